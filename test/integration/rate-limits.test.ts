import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { DraftService, ErrorType, ResultSchema } from '../../lambdas/gen/draft/v1/draft_pb.js';
import { logger } from '../../lambdas/observability/logger.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { startTestUsageTable, type TestUsageTable } from '../helpers/dynalite.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

/**
 * The rate limits on the local runtime, over HTTP, with their counters in dynalite (the
 * usage table the runtime starts). The clock is pinned, so that every burst falls in one
 * window: the limit is then exact, not "within a window boundary" (docs/quotas.md#rate-limits).
 */
const WRITE_LIMIT = 37;
const READ_LIMIT = 23;
const BURST = 200;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly json: any;
}

const answerOf = async (response: Response): Promise<Answer> => {
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    json: text ? JSON.parse(text) : undefined,
  };
};

const statusCounts = (answers: readonly Answer[]): Record<number, number> => {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

describe('rate limits on dynalite, over HTTP', () => {
  let api: TestRuntime;
  let now = new Date('2026-12-07T21:30:10.000Z');

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime(
      {
        RATE_LIMIT_PER_MINUTE: String(WRITE_LIMIT),
        READ_RATE_LIMIT_PER_MINUTE: String(READ_LIMIT),
        COMPANION_ROUTES: 'true',
        CLEANUP_INTERVAL: '0',
      },
      { clock: () => now },
    );
  });
  afterAll(async () => {
    await api?.stop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }).then(answerOf);

  /** draft.v1 over Connect's JSON protocol on the REST port (HTTP/1.1). */
  const connect = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    post(`/draft.v1.DraftService/${method}`, body, { 'connect-protocol-version': '1', ...headers });

  it('runs its counters in the usage table the runtime started (dynalite)', () => {
    expect(api.embeddedDynamoDbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it(`admits exactly ${WRITE_LIMIT} of ${BURST} concurrent upload-url calls by one owner, and refuses the rest with 429 and Retry-After`, async () => {
    // act
    const answers = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        post('/api/v1/upload-url', { object_name: `burst/${i}.txt` }, bearerFor('alice')),
      ),
    );

    // assess
    expect(statusCounts(answers)).toEqual({ 200: WRITE_LIMIT, 429: BURST - WRITE_LIMIT });
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      // The clock reads :10, so the window ends in 50 s.
      expect(refused.retryAfter).toBe('50');
      expect(refused.json).toEqual({
        error: {
          code: 'rate_limited',
          message: `Too many requests: the limit is ${WRITE_LIMIT} a minute for uploads and changes; try again in 50 s.`,
        },
      });
    }
    // A refused call did nothing: no URL, and the counter did not move past the limit.
    expect(answers.filter((answer) => answer.json.upload_url !== undefined)).toHaveLength(
      WRITE_LIMIT,
    );
  });

  it('counts REST, the original routes and draft.v1 against one counter, exactly', async () => {
    // prepare: every surface, interleaved, all at once, by one owner
    const bob = bearerFor('bob');
    const calls = Array.from({ length: BURST }, (_, i) => {
      const name = `mixed/${i}.txt`;
      switch (i % 3) {
        case 0:
          return post('/api/v1/upload-url', { object_name: name }, bob);
        case 1:
          return post('/api/v1/draft/upload-url', { object_name: name }, bob);
        default:
          return connect('GetUploadURL', { objectName: name }, bob);
      }
    });

    // act
    const answers = await Promise.all(calls);

    // assess
    expect(statusCounts(answers)).toEqual({ 200: WRITE_LIMIT, 429: BURST - WRITE_LIMIT });
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(WRITE_LIMIT);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(BURST - WRITE_LIMIT);
  });

  it('refuses in each surface’s own shape, always with Retry-After', async () => {
    // prepare: carol spends her minute
    const carol = bearerFor('carol');
    for (let i = 0; i < WRITE_LIMIT; i++) {
      expect((await post('/api/v1/upload-url', { object_name: `c/${i}` }, carol)).status).toBe(200);
    }

    // act
    const rest = await post('/api/v1/confirm-upload', { object_name: 'c/0' }, carol);
    const original = await post('/api/v1/draft/confirm', { object_name: 'c/0' }, carol);
    const viaConnect = await connect(
      'DeleteObject',
      { objectName: 'c/0', stage: 'STAGE_DRAFT' },
      carol,
    );
    const grpc: Client<typeof DraftService> = createClient(
      DraftService,
      createGrpcTransport({
        baseUrl: api.grpcUrl,
        interceptors: [
          (next) => (call) => {
            call.header.set('authorization', carol.authorization!);
            return next(call);
          },
        ],
      }),
    );
    const viaGrpc = await grpc.getUploadURL({ objectName: 'c/x' }).then(
      () => undefined,
      (error: unknown) => ConnectError.from(error),
    );

    // assess
    expect(rest).toMatchObject({
      status: 429,
      retryAfter: '50',
      json: { error: { code: 'rate_limited' } },
    });
    expect(original).toMatchObject({
      status: 429,
      retryAfter: '50',
      json: {
        result: { error_type: 12, error_message: expect.stringMatching(/try again in 50 s/) },
      },
    });
    expect(viaConnect).toMatchObject({
      status: 429,
      retryAfter: '50',
      json: { code: 'resource_exhausted', message: expect.stringMatching(/a minute/) },
    });
    expect(viaGrpc?.code).toBe(Code.ResourceExhausted);
    expect(viaGrpc?.metadata.get('retry-after')).toBe('50');
    expect(viaGrpc?.findDetails(ResultSchema)[0]?.errorType).toBe(ErrorType.RATE_LIMITED);
  });

  it('counts the Companion routes under their native operations’ limits, in Companion’s error shape', async () => {
    // act: one owner starts uploads through Uppy's Companion contract, all at once
    const erin = bearerFor('erin');
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        post(
          '/companion/s3/multipart',
          { filename: `u${i}.bin`, type: 'application/octet-stream' },
          erin,
        ),
      ),
    );

    // assess: exactly the write limit is admitted; a refusal carries Companion's `message`
    expect(statusCounts(answers)).toEqual({ 200: WRITE_LIMIT, 429: 60 - WRITE_LIMIT });
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused?.retryAfter).toBe('50');
    expect(refused?.json).toEqual({
      code: 'rate_limited',
      message: `Too many requests: the limit is ${WRITE_LIMIT} a minute for uploads and changes; try again in 50 s.`,
    });
    // list-parts is not limited (as its native route): it still answers once the limit is spent
    const admitted = answers.find((answer) => answer.status === 200)?.json as {
      key: string;
      uploadId: string;
    };
    const listing = await fetch(
      `${api.apiUrl}/companion/s3/multipart/${encodeURIComponent(admitted.uploadId)}?key=${encodeURIComponent(admitted.key)}`,
      { headers: erin },
    ).then(answerOf);
    expect(listing).toMatchObject({ status: 200, json: [] });
  });

  it(`admits exactly ${READ_LIMIT} of ${BURST} concurrent reads, on a counter of their own`, async () => {
    // prepare: list, info and download-url, all at once, by an owner who has written too
    const dave = bearerFor('dave');
    expect((await post('/api/v1/upload-url', { object_name: 'd/first' }, dave)).status).toBe(200);
    const reads = Array.from({ length: BURST }, (_, i) => {
      switch (i % 4) {
        case 0:
          return post('/api/v1/list-objects', {}, dave);
        case 1:
          return post('/api/v1/object-info', { object_name: 'd/missing' }, dave);
        case 2:
          return post('/api/v1/download-url', { object_name: 'd/missing' }, dave);
        default:
          return connect('ListObjects', {}, dave);
      }
    });

    // act
    const answers = await Promise.all(reads);

    // assess: admitted reads answer as they would (a missing object is 404), the rest 429
    expect(answers.filter((answer) => answer.status !== 429)).toHaveLength(READ_LIMIT);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(BURST - READ_LIMIT);
    expect(
      answers.filter((answer) => answer.status === 429 && answer.retryAfter === '50'),
    ).toHaveLength(BURST - READ_LIMIT);
    // Writes keep their own count.
    expect((await post('/api/v1/upload-url', { object_name: 'd/second' }, dave)).status).toBe(200);
  });

  it('counts anonymous callers by their source address', async () => {
    // Anonymous (no token) requests from two loopback addresses.
    const fromAddress = (localAddress: string, name: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL('/api/v1/upload-url', api.apiUrl);
        const body = JSON.stringify({ object_name: name });
        const call = httpRequest(
          url,
          { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
          (response) => {
            response.resume();
            response.on('end', () => resolve(response.statusCode ?? 0));
          },
        );
        call.on('error', reject);
        call.end(body);
      });

    const first = await Promise.all(
      Array.from({ length: WRITE_LIMIT + 5 }, (_, i) => fromAddress('127.0.0.2', `anon/${i}`)),
    );
    const other = await fromAddress('127.0.0.3', 'anon/other');

    expect(first.filter((status) => status === 200)).toHaveLength(WRITE_LIMIT);
    expect(first.filter((status) => status === 429)).toHaveLength(5);
    expect(other).toBe(200);
  });

  it('admits again when the next minute starts', async () => {
    expect(
      (await post('/api/v1/upload-url', { object_name: 'later' }, bearerFor('alice'))).status,
    ).toBe(429);

    now = new Date('2026-12-07T21:31:00.000Z');

    expect(
      (await post('/api/v1/upload-url', { object_name: 'later' }, bearerFor('alice'))).status,
    ).toBe(200);
  });
});

describe('what the rate limits cost in requests to the usage table', () => {
  let usageTable: TestUsageTable;
  let proxy: CountingProxy;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    usageTable = await startTestUsageTable();
    proxy = await startCountingProxy(new URL(usageTable.endpoint).host);
  });
  afterAll(async () => {
    await proxy?.close();
    await usageTable?.close();
  });

  /** The same calls on every runtime: three writes and three reads, on REST and draft.v1. */
  const sameCalls = async (api: TestRuntime) => {
    const erin = bearerFor('erin');
    const statuses = [
      (await api.post('/api/v1/upload-url', { object_name: 'e/1' }, erin)).status,
      (await api.post('/api/v1/draft/upload-url', { object_name: 'e/2' }, erin)).status,
      (
        await api.post(
          '/draft.v1.DraftService/GetUploadURL',
          { objectName: 'e/3' },
          {
            ...erin,
            'connect-protocol-version': '1',
          },
        )
      ).status,
      (await api.post('/api/v1/list-objects', {}, erin)).status,
      (await api.post('/api/v1/object-info', { object_name: 'e/none' }, erin)).status,
      (
        await api.post(
          '/draft.v1.DraftService/ListObjects',
          {},
          {
            ...erin,
            'connect-protocol-version': '1',
          },
        )
      ).status,
    ];
    expect(statuses).toEqual([200, 200, 200, 200, 404, 200]);
  };

  /** The usage-table requests `calls` makes on a runtime of `env` (start-up left out), by action. */
  const requestsOf = async (env: Record<string, string>): Promise<Record<string, number>> => {
    const api = await startTestRuntime({
      USAGE_TABLE: usageTable.table,
      DYNAMODB_ENDPOINT: `http://${proxy.endpoint}`,
      CLEANUP_INTERVAL: '0',
      ...env,
    });
    try {
      await proxy.idle();
      const before = proxy.requests.length;
      await sameCalls(api);
      await proxy.idle();
      const actions: Record<string, number> = {};
      for (const line of proxy.requests.slice(before)) {
        const action = line.split('.').at(-1) ?? line;
        actions[action] = (actions[action] ?? 0) + 1;
      }
      return actions;
    } finally {
      await api.stop();
    }
  };

  it('is nothing when no limit is set, even with the table there', async () => {
    // Only the usage ledger's early refusal reads the table (one GetItem per upload-url);
    // without limits, nothing counts.
    expect(await requestsOf({})).toEqual({ GetItem: 3 });
  });

  it('is exactly one conditional UpdateItem per counted call when set', async () => {
    const counted = await requestsOf({
      RATE_LIMIT_PER_MINUTE: '1000',
      READ_RATE_LIMIT_PER_MINUTE: '1000',
    });
    expect(counted).toEqual({ GetItem: 3, UpdateItem: 6 });
  });

  it('needs no table at all when no limit (and no quota) is set: nothing is started or asked', async () => {
    const api = await startTestRuntime({ CLEANUP_INTERVAL: '0' });
    try {
      expect(api.embeddedDynamoDbEndpoint).toBeUndefined();
      expect(api.services.usage).toBeUndefined();
      await sameCalls(api);
    } finally {
      await api.stop();
    }
  });
});

describe('a bad rate limit', () => {
  it('stops npm start with a line naming the variable', async () => {
    // prepare
    const dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-rate-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      RATE_LIMIT_PER_MINUTE: 'abc',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      MINIO_ENDPOINT: '127.0.0.1:0',
      DRAFTSTORE_DATA_DIR: dataDirectory,
      NODE_OPTIONS: '--openssl-legacy-provider',
    };
    delete env.STORAGE_TYPE;
    const root = join(import.meta.dirname, '..', '..');

    // act
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        join(root, 'node_modules', '.bin', 'tsx'),
        ['bin/local.ts'],
        { cwd: root, env, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
      );
    });
    await rm(dataDirectory, { recursive: true, force: true });

    // assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'RATE_LIMIT_PER_MINUTE must be a whole number from 1 to 1000000000 (unset for no limit), got "abc"',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
