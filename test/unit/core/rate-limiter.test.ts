import { DraftError } from '../../../lambdas/core/errors.js';
import { RateLimiter, type RateCounters } from '../../../lambdas/core/rate-limiter.js';
import { MemoryRateCounters } from '../../helpers/memory-rate-counters.js';

const alice = { caller: { owner: 'alice' }, sourceIp: '203.0.113.7' };
const bob = { caller: { owner: 'bob' }, sourceIp: '203.0.113.7' };
const anonymousAt = (sourceIp: string) => ({ caller: { owner: 'anonymous' }, sourceIp });

/** A clock the test moves. */
const clockAt = (iso: string) => {
  let now = new Date(iso);
  return {
    clock: () => now,
    set: (next: string) => {
      now = new Date(next);
    },
  };
};

const refusalOf = async (work: Promise<unknown>): Promise<DraftError> => {
  try {
    await work;
  } catch (error) {
    if (error instanceof DraftError) return error;
    throw error;
  }
  throw new Error('it was admitted');
};

describe('RateLimiter', () => {
  it('asks nothing when no limit is set', async () => {
    // prepare
    const counters = new MemoryRateCounters();
    const limiter = new RateLimiter({ limits: {}, counters });

    // act
    for (let i = 0; i < 100; i++) {
      await limiter.admit('write', alice);
      await limiter.admit('read', alice);
    }

    // assess
    expect(counters.asked).toHaveLength(0);
  });

  it('asks nothing for a class without a limit, nor for an operation that is never limited', async () => {
    const counters = new MemoryRateCounters();
    const limiter = new RateLimiter({ limits: { write: 1 }, counters });

    for (let i = 0; i < 5; i++) {
      await limiter.admit('read', alice);
      await limiter.admit('none', alice);
    }

    expect(counters.asked).toHaveLength(0);
  });

  it('admits exactly the limit in a window, then refuses with rate_limited and the wait', async () => {
    // prepare
    const time = clockAt('2026-12-07T21:30:20Z');
    const limiter = new RateLimiter({
      limits: { write: 3 },
      counters: new MemoryRateCounters(),
      clock: time.clock,
    });

    // act
    for (let i = 0; i < 3; i++) await limiter.admit('write', alice);
    const refused = await refusalOf(limiter.admit('write', alice));

    // assess
    expect(refused).toMatchObject({
      code: 'rate_limited',
      retryAfterSeconds: 40,
      message:
        'Too many requests: the limit is 3 a minute for uploads and changes; try again in 40 s.',
    });
  });

  it('admits again in the next window', async () => {
    const time = clockAt('2026-12-07T21:30:59Z');
    const limiter = new RateLimiter({
      limits: { read: 1 },
      counters: new MemoryRateCounters(),
      clock: time.clock,
    });
    await limiter.admit('read', alice);
    expect((await refusalOf(limiter.admit('read', alice))).retryAfterSeconds).toBe(1);

    time.set('2026-12-07T21:31:00Z');

    await expect(limiter.admit('read', alice)).resolves.toBeUndefined();
  });

  it('counts each owner, and each class, on its own', async () => {
    const limiter = new RateLimiter({
      limits: { write: 1, read: 1 },
      counters: new MemoryRateCounters(),
    });

    await limiter.admit('write', alice);
    await limiter.admit('read', alice);
    await limiter.admit('write', bob);

    expect((await refusalOf(limiter.admit('write', alice))).code).toBe('rate_limited');
    expect((await refusalOf(limiter.admit('read', alice))).message).toMatch(/1 a minute for reads/);
    expect((await refusalOf(limiter.admit('write', bob))).code).toBe('rate_limited');
  });

  it('counts anonymous callers by their address, not as one shared owner', async () => {
    const counters = new MemoryRateCounters();
    const limiter = new RateLimiter({ limits: { write: 1 }, counters });

    await limiter.admit('write', anonymousAt('198.51.100.1'));
    await limiter.admit('write', anonymousAt('198.51.100.2'));

    expect((await refusalOf(limiter.admit('write', anonymousAt('198.51.100.1')))).code).toBe(
      'rate_limited',
    );
    expect(counters.asked.map((window) => window.subject)).toEqual([
      { address: '198.51.100.1' },
      { address: '198.51.100.2' },
      { address: '198.51.100.1' },
    ]);
  });

  it('lets a counters failure through as it is (storage_unavailable): never admits blindly', async () => {
    const down: RateCounters = {
      take: () => Promise.reject(new DraftError('storage_unavailable', 'down')),
    };
    const limiter = new RateLimiter({ limits: { write: 10 }, counters: down });

    expect((await refusalOf(limiter.admit('write', alice))).code).toBe('storage_unavailable');
  });

  it('fails a limited call as internal when it has nothing to count in, never admitting it', async () => {
    // A function composed without the usage table still serves what is never limited.
    const limiter = new RateLimiter({ limits: { read: 5 } });

    await expect(limiter.admit('none', alice)).resolves.toBeUndefined();
    await expect(limiter.admit('write', alice)).resolves.toBeUndefined();
    expect(await refusalOf(limiter.admit('read', alice))).toMatchObject({ code: 'internal' });
  });
});
