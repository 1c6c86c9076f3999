import { jest } from '@jest/globals';
import { DraftStoreClient } from '../../client/src/index.js';
import { logger } from '../../lambdas/observability/logger.js';
import { runCli, startCli } from '../helpers/cli.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

jest.setTimeout(60_000);

const READ_LIMIT = 2;
const token = (bearerFor('alice').authorization ?? '').replace('Bearer ', '');

// The client's side of the rate limits (docs/rate-limits.md), against the real limiter on
// dynalite. The runtime's clock is the test's: Retry-After is the rest of the caller's minute, so
// the test picks it, and starts the next minute when the client is seen waiting.
describe('the SDK and the CLI wait out a 429 rate_limited as Retry-After says', () => {
  let api: TestRuntime;
  let now = new Date('2026-12-07T21:30:59.000Z');
  let env: Record<string, string>;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime(
      { READ_RATE_LIMIT_PER_MINUTE: String(READ_LIMIT), CLEANUP_INTERVAL: '0' },
      { clock: () => now },
    );
    env = { DRAFTSTORE_API_URL: api.apiUrl, DRAFTSTORE_TOKEN: token };
  });
  afterAll(async () => {
    await api?.stop();
  });

  /** Spends alice's reads of the current minute. */
  const spendReads = async () => {
    for (let i = 0; i < READ_LIMIT; i++) {
      expect((await api.post('/api/v1/list-objects', {}, bearerFor('alice'))).status).toBe(200);
    }
    expect((await api.post('/api/v1/list-objects', {}, bearerFor('alice'))).status).toBe(429);
  };

  it('the CLI says it is waiting, and lists once the next minute has begun', async () => {
    await spendReads();
    const cli = startCli(['ls'], env);
    await cli.waitForStderr(/rate limited by the API: waiting 1 s before asking again\n/);
    now = new Date('2026-12-07T21:31:00.200Z');
    const run = await cli.done;
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toBe('rate limited by the API: waiting 1 s before asking again\n');
  });

  it('a wait longer than maxRetryAfterMs fails at once, with the advice', async () => {
    now = new Date('2026-12-07T21:32:10.000Z');
    await spendReads();
    const ds = new DraftStoreClient({
      baseUrl: api.apiUrl,
      token,
      retry: { maxRetryAfterMs: 10_000 },
    });
    await expect(ds.listObjects()).rejects.toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfterMs: 50_000,
    });
  });

  it('reads are not writes: a CLI rm is not refused while reads are spent', async () => {
    now = new Date('2026-12-07T21:34:10.000Z');
    await spendReads();
    expect(await runCli(['rm', 'none.txt'], env)).toMatchObject({ code: 0 });
  });
});
