import type { Context } from 'aws-lambda';
import { Cleaner } from '../../../lambdas/core/cleaner.js';
import { createCleanupHandler } from '../../../lambdas/jobs/cleanup.js';
import { FakeObjectStore } from '../../helpers/fake-object-store.js';

const DRAFT = 'uploads-draft';
const LIFETIME_SECONDS = 60;

const lambdaContext = (remainingMs: () => number): Context =>
  ({
    functionName: 'cleanup',
    awsRequestId: 'req-1',
    getRemainingTimeInMillis: remainingMs,
  }) as unknown as Context;

const setup = () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = () => new Date(now);
  const store = new FakeObjectStore([DRAFT], clock);
  const cleaner = new Cleaner({ store, bucket: DRAFT, lifetimeSeconds: LIFETIME_SECONDS, clock });
  const lines: { message: string; attributes: unknown }[] = [];
  const metrics: { name: string; unit: string; value: number }[] = [];
  let published = 0;
  const handler = createCleanupHandler({
    cleaner: () => cleaner,
    logger: {
      addContext: () => undefined,
      info: (message, attributes) => {
        lines.push({ message, attributes });
      },
    },
    metrics: {
      addMetric: (name, unit, value) => {
        metrics.push({ name, unit, value });
      },
      publishStoredMetrics: () => {
        published += 1;
      },
    },
  });
  return {
    store,
    handler,
    lines,
    metrics,
    published: () => published,
    age: () => {
      now += LIFETIME_SECONDS * 1000 + 1;
    },
  };
};

describe('cleanup job handler', () => {
  it('sweeps on a scheduled event, logs one summary line and publishes deleted, failed and bytesFreed', async () => {
    // prepare
    const { store, handler, lines, metrics, published, age } = setup();
    store.put(DRAFT, 'alice/a', 'abcd');
    store.put(DRAFT, 'alice/b', 'ef');
    store.failDeleteOf('alice/b', 'AccessDenied', Infinity);
    age();
    const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

    // act
    const summary = await handler(
      scheduled,
      lambdaContext(() => 600_000),
    );

    // assess
    expect(summary).toMatchObject({ deleted: 1, failed: 1, bytesFreed: 4, complete: true });
    expect(lines).toEqual([
      { message: 'Cleanup sweep finished', attributes: { cleanup: summary } },
    ]);
    expect(metrics).toEqual([
      { name: 'deleted', unit: 'Count', value: 1 },
      { name: 'failed', unit: 'Count', value: 1 },
      { name: 'bytesFreed', unit: 'Bytes', value: 4 },
      { name: 'uploadListingFailures', unit: 'Count', value: 0 },
      { name: 'incomplete', unit: 'Count', value: 0 },
    ]);
    expect(published()).toBe(1);
  });

  it('passes dryRun and prefix from the event through to the sweep', async () => {
    // prepare
    const { store, handler, age } = setup();
    store.put(DRAFT, 'alice/a', 'x');
    store.put(DRAFT, 'bob/a', 'x');
    age();

    // act
    const summary = await handler(
      { dryRun: true, prefix: 'alice' },
      lambdaContext(() => 600_000),
    );

    // assess
    expect(summary).toMatchObject({ scanned: 1, expired: 1, deleted: 0, dryRun: true });
    expect(store.get(DRAFT, 'alice/a')).toBeDefined();
  });

  it("stops within the Lambda's remaining time and reports the sweep incomplete", async () => {
    // prepare
    const { store, handler, age } = setup();
    store.put(DRAFT, 'alice/a', 'x');
    age();

    // act
    const summary = await handler(
      {},
      lambdaContext(() => 2_000),
    );

    // assess
    expect(summary).toMatchObject({ complete: false, deleted: 0 });
    expect(store.get(DRAFT, 'alice/a')).toBeDefined();
  });

  it('rejects an event with a malformed dryRun or an empty prefix, before touching storage', async () => {
    // prepare
    const { store, handler } = setup();

    // act
    const badDryRun = handler(
      { dryRun: 'yes' },
      lambdaContext(() => 600_000),
    );
    const emptyPrefix = handler(
      { prefix: '  ' },
      lambdaContext(() => 600_000),
    );

    // assess
    await expect(badDryRun).rejects.toThrow(/Invalid cleanup event[\s\S]*dryRun/);
    await expect(emptyPrefix).rejects.toThrow(/Invalid cleanup event[\s\S]*prefix/);
    expect(store.calls).toEqual([]);
  });

  it.each([
    ['a root prefix', { prefix: '/' }],
    ['a padded root prefix', { prefix: ' / ' }],
    ['dryRun as a string', { dryRun: 'false' }],
    ['dryRun as a number', { dryRun: 0 }],
    ['a numeric prefix', { prefix: 123 }],
    ['a null prefix', { prefix: null }],
    ['a list of prefixes', { prefix: ['alice/'] }],
    ['a prefix over 1 KiB', { prefix: `${'a'.repeat(1025)}/` }],
    ['a string event', 'sweep'],
    ['an array event', [{ prefix: 'alice/' }]],
  ])('refuses %s as an invalid event, before touching storage', async (_, event) => {
    const { store, handler } = setup();

    const run = handler(
      event,
      lambdaContext(() => 600_000),
    );

    await expect(run).rejects.toThrow(/^Invalid cleanup event/);
    expect(store.calls).toEqual([]);
  });
});
