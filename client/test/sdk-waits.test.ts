import { DraftStoreClient, DraftStoreError, type RetryWait } from '../src/index.js';
import { parseRetryAfter } from '../src/retry-after.js';
import { startScriptedApi, type ScriptedApi } from './helpers/scripted-api.js';

const CONFIRMED = {
  success: true,
  object_name: 'scan.bin',
  final_location: 'main/anonymous/scan.bin',
  size: 3,
  content_type: null,
  etag: 'e',
};
const rateLimited = (seconds: string) => ({
  status: 429,
  headers: { 'retry-after': seconds },
  body: { error: { code: 'rate_limited', message: 'Too many requests; try again later.' } },
});
const scanPending = (headers: Record<string, string> = { 'retry-after': '5' }) => ({
  status: 409,
  headers,
  body: { error: { code: 'scan_pending', message: 'The malware scan is not done yet.' } },
});
const USAGE = { bytes: 1536, objects: 3, quota: { bytes: 4096, objects: null } };

describe('SDK waits the API asks for', () => {
  let api: ScriptedApi;
  let sleeps: number[];
  let waits: RetryWait[];
  const clientFor = (options: { scanWaitMs?: number; realSleep?: boolean } = {}) =>
    new DraftStoreClient({
      baseUrl: api.url,
      ...(options.scanWaitMs !== undefined && { scanWaitMs: options.scanWaitMs }),
      retry: {
        random: () => 0.5,
        onWait: (wait) => waits.push(wait),
        ...(!options.realSleep && {
          sleep: async (ms: number) => {
            sleeps.push(ms);
          },
        }),
      },
    });

  beforeEach(async () => {
    api = await startScriptedApi();
    sleeps = [];
    waits = [];
  });
  afterEach(() => api.close());

  it("honours a 429's Retry-After instead of its own backoff, and tells onWait", async () => {
    api.script('/api/v1/usage', rateLimited('3'), rateLimited('2'), { status: 200, body: USAGE });
    await expect(clientFor().usage()).resolves.toEqual(USAGE);
    expect(sleeps).toEqual([3000, 2000]);
    expect(waits).toEqual([
      { code: 'rate_limited', status: 429, delayMs: 3000, retryAfter: true, attempt: 0 },
      { code: 'rate_limited', status: 429, delayMs: 2000, retryAfter: true, attempt: 1 },
    ]);
    expect(api.requests).toHaveLength(3);
  });

  it('fails at once, with the advice, when Retry-After is longer than maxRetryAfterMs', async () => {
    api.script('/api/v1/usage', rateLimited('120'));
    const failure = await clientFor()
      .usage()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DraftStoreError);
    expect(failure).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: 120_000 });
    expect(sleeps).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  it('stops waiting out a Retry-After when the signal fires', async () => {
    api.script('/api/v1/usage', rateLimited('30'), { status: 200, body: USAGE });
    const controller = new AbortController();
    const usage = clientFor({ realSleep: true }).usage(controller.signal);
    while (waits.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(usage).rejects.toMatchObject({ code: 'aborted', status: 0 });
    expect(api.requests).toHaveLength(1);
  });

  it('confirm waits out scan_pending as Retry-After says, then answers the confirmed object', async () => {
    api.script('/api/v1/confirm-upload', scanPending(), scanPending(), {
      status: 200,
      body: CONFIRMED,
    });
    await expect(clientFor().confirm('scan.bin')).resolves.toEqual(CONFIRMED);
    expect(sleeps).toEqual([5000, 5000]);
    expect(waits.map((wait) => wait.code)).toEqual(['scan_pending', 'scan_pending']);
  });

  it('without Retry-After it backs off from 1 s, and gives up with scan_pending after scanWaitMs', async () => {
    api.script('/api/v1/confirm-upload', scanPending({}));
    const failure = await clientFor({ scanWaitMs: 5000 })
      .confirm('scan.bin')
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 409, code: 'scan_pending' });
    // 1 s, 2 s, then what is left of the 5 s: never longer than asked.
    expect(sleeps).toEqual([1000, 2000, 2000]);
    expect(waits.every((wait) => !wait.retryAfter)).toBe(true);
    expect(api.requests).toHaveLength(4);
  });

  it('scanWaitMs 0 fails on the first scan_pending, and content_rejected is never asked again', async () => {
    api.script('/api/v1/confirm-upload', scanPending());
    await expect(clientFor({ scanWaitMs: 0 }).confirm('scan.bin')).rejects.toMatchObject({
      code: 'scan_pending',
      retryAfterMs: 5000,
    });
    api.script('/api/v1/confirm-upload', {
      status: 422,
      body: {
        error: { code: 'content_rejected', message: 'Not a PNG.', reason: 'type_mismatch' },
      },
    });
    await expect(clientFor().confirm('scan.bin')).rejects.toMatchObject({
      code: 'content_rejected',
      reason: 'type_mismatch',
    });
    expect(sleeps).toEqual([]);
  });
});

describe('SDK usage', () => {
  let api: ScriptedApi;
  beforeEach(async () => {
    api = await startScriptedApi();
  });
  afterEach(() => api.close());

  it('POSTs /api/v1/usage with the bearer token and answers bytes, objects and quota', async () => {
    api.script('/api/v1/usage', { status: 200, body: USAGE });
    const client = new DraftStoreClient({ baseUrl: api.url, token: 'jwt' });
    await expect(client.usage()).resolves.toEqual(USAGE);
    expect(api.requests).toEqual([
      { path: '/api/v1/usage', body: {}, authorization: 'Bearer jwt' },
    ]);
  });

  it.each([
    [{ bytes: 1, objects: 1 }],
    [{ bytes: -1, objects: 0, quota: { bytes: null, objects: null } }],
    [{ bytes: 1, objects: 0, quota: { bytes: 'lots', objects: null } }],
  ])('refuses an answer it cannot show: %j', async (body) => {
    api.script('/api/v1/usage', { status: 200, body });
    await expect(new DraftStoreClient({ baseUrl: api.url }).usage()).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });
});

describe('Retry-After parsing', () => {
  it.each([
    ['5', 5000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['Thu, 01 Jan 2025 00:00:00 GMT', undefined],
    ['soon', undefined],
    ['-3', undefined],
    ['', undefined],
  ])('%j is %j ms', (value, ms) => {
    expect(parseRetryAfter(value, () => Date.parse('2026-01-01T00:00:00Z'))).toBe(ms);
  });
});
