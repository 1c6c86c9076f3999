import { randomBytes } from 'node:crypto';
import {
  backoffDelay,
  DraftStoreClient,
  DraftStoreError,
  fetchTransport,
  fingerprintOf,
  memoryResumeStore,
  type PutTransport,
  type ResumeStore,
  type UploadProgress,
} from '../src/index.js';
import { DEFAULT_RETRY } from '../src/retry.js';
import { blobSource } from '../src/source.js';
import { createFakeApi, s3Error, type FakeApi } from './helpers/fake-draftstore-api.js';

const BASE = 'http://api.test';
const PART = 1000;

interface Setup {
  readonly api: FakeApi;
  readonly client: DraftStoreClient;
  readonly sleeps: number[];
  readonly store: ResumeStore;
}

const setup = (
  overrides: { transport?: (inner: PutTransport) => PutTransport; now?: () => number } = {},
): Setup => {
  const api = createFakeApi(overrides.now ? { now: overrides.now } : {});
  const sleeps: number[] = [];
  const store = memoryResumeStore();
  const inner = fetchTransport(api.fetch);
  const client = new DraftStoreClient({
    baseUrl: BASE,
    fetch: api.fetch,
    transport: overrides.transport ? overrides.transport(inner) : inner,
    resumeStore: store,
    multipartThreshold: PART,
    retry: {
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    ...(overrides.now && { now: overrides.now }),
  });
  return { api, client, sleeps, store };
};

const file = (size: number, name = 'movie.mp4') =>
  new File([randomBytes(size)], name, { type: 'video/mp4', lastModified: 1_700_000_000_000 });

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe('SDK path choice', () => {
  it('sends a file at the threshold in one PUT and a larger one in parts', async () => {
    const { api, client } = setup();
    const small = file(PART);
    const single = await client.upload(small, { partSize: PART });
    expect(single).toMatchObject({ multipart: false, size: PART, etag: 'single' });
    expect(api.object).toEqual(await bytesOf(small));
    expect(api.apiCalls('multipart/create')).toHaveLength(0);

    const big = file(4 * PART + 500);
    const multi = await client.upload(big, { partSize: PART, objectName: 'x/big.mp4' });
    expect(multi).toMatchObject({ multipart: true, part_count: 5, parts_sent: 5, puts: 5 });
    expect(api.object).toEqual(await bytesOf(big));
    expect(api.apiCalls('multipart/create')[0]?.body).toEqual({
      object_name: 'x/big.mp4',
      content_length: 4500,
      content_type: 'video/mp4',
      part_size: PART,
    });
    // Five URLs in one sign-parts call: the SDK signs ahead in batches.
    expect(api.apiCalls('multipart/sign-parts').map((call) => call.body.part_numbers)).toEqual([
      [1, 2, 3, 4, 5],
    ]);
  });
});

describe('SDK retries', () => {
  it('retries a part answered 503 SlowDown with jittered, growing backoff, then completes', async () => {
    const { api, client, sleeps } = setup();
    let failures = 0;
    api.fault = (call) =>
      call.method === 'PUT' && call.path.startsWith('/part/upload-1/2?') && failures++ < 2
        ? s3Error(503, 'SlowDown', 'Please reduce your request rate.')
        : undefined;
    const big = file(3 * PART);
    const result = await client.upload(big, { partSize: PART, concurrency: 1 });
    expect(result.puts).toBe(5);
    expect(api.object).toEqual(await bytesOf(big));
    // random() = 0.5 of 250 ms · 2^attempt.
    expect(sleeps).toEqual([125, 250]);
  });

  it('retries a network failure and a 500, but never a 403 SignatureDoesNotMatch', async () => {
    const { api, client } = setup();
    let calls = 0;
    api.fault = (call) => {
      if (call.method !== 'PUT') return undefined;
      calls++;
      if (calls === 1) throw new TypeError('fetch failed: ECONNRESET');
      if (calls === 2) return s3Error(500, 'InternalError');
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match',
      );
    };
    const failure = await client
      .upload(file(2 * PART), { partSize: PART, concurrency: 1, resume: false })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DraftStoreError);
    expect(failure).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(calls).toBe(3);
    // Without resume nothing could continue it, so the upload is aborted.
    expect(api.aborted).toBe(true);
  });

  it('gives up after the configured retries with the last store error', async () => {
    const { api, client, sleeps } = setup();
    api.fault = (call) => (call.method === 'PUT' ? s3Error(503, 'SlowDown') : undefined);
    await expect(client.upload(file(PART / 2))).rejects.toMatchObject({
      status: 503,
      code: 'SlowDown',
    });
    expect(api.puts()).toHaveLength(DEFAULT_RETRY.retries + 1);
    expect(sleeps).toHaveLength(DEFAULT_RETRY.retries);
  });

  it('retries a complete answered 503 (the server answers a repeated complete the same)', async () => {
    const { api, client, sleeps } = setup();
    let failures = 0;
    api.fault = (call) =>
      call.path === '/api/v1/multipart/complete' && failures++ === 0
        ? new Response(
            JSON.stringify({ error: { code: 'storage_unavailable', message: 'S3 is slow' } }),
            { status: 503 },
          )
        : undefined;
    const big = file(2 * PART);
    const result = await client.upload(big, { partSize: PART });
    expect(result).toMatchObject({ multipart: true, parts_sent: 2, size: 2 * PART });
    expect(api.apiCalls('multipart/complete')).toHaveLength(2);
    expect(sleeps).toEqual([125]);
    expect(api.object).toEqual(await bytesOf(big));
  });

  it('keeps every backoff below its doubling ceiling and the cap', () => {
    const policy = { ...DEFAULT_RETRY, random: () => 0.999999 };
    const delays = Array.from({ length: 10 }, (_, n) => backoffDelay(policy, n));
    delays.forEach((delay, n) => {
      expect(delay).toBeLessThan(Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n));
    });
    expect(delays.at(-1)).toBe(policy.maxDelayMs - 1);
    expect(backoffDelay({ ...policy, random: () => 0 }, 3)).toBe(0);
  });

  it('re-signs a part whose URL expired (403 "Request has expired") and sends it again', async () => {
    const { api, client } = setup();
    let expired = false;
    api.fault = (call) => {
      if (call.method === 'PUT' && call.path.startsWith('/part/upload-1/3?') && !expired) {
        expired = true;
        return s3Error(403, 'AccessDenied', 'Request has expired');
      }
      return undefined;
    };
    const big = file(3 * PART);
    await client.upload(big, { partSize: PART, concurrency: 1 });
    expect(api.object).toEqual(await bytesOf(big));
    const signs = api.apiCalls('multipart/sign-parts').map((call) => call.body.part_numbers);
    expect(signs).toEqual([[1, 2, 3], [3]]);
    const part3 = api.puts().filter((call) => call.path.startsWith('/part/upload-1/3?'));
    expect(part3).toHaveLength(2);
    expect(part3[0]?.path).not.toBe(part3[1]?.path);
  });

  it('re-signs a URL past its expires_at before the store refuses it', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const { api, client } = setup({
      now: () => clock,
      // Each PUT takes 40 minutes of fake time: by part 3 the batch's 1 h URLs are stale.
      transport: (inner) => async (request) => {
        clock += 40 * 60_000;
        return inner(request);
      },
    });
    await client.upload(file(3 * PART), { partSize: PART, concurrency: 1 });
    expect(api.apiCalls('multipart/sign-parts').map((call) => call.body.part_numbers)).toEqual([
      [1, 2, 3],
      [3],
    ]);
    expect(api.puts()).toHaveLength(3);
  });
});

describe('SDK errors', () => {
  it('turns an API error into DraftStoreError with status, code and message', async () => {
    const { api, client } = setup();
    api.fault = (call) =>
      call.path === '/api/v1/multipart/create'
        ? new Response(
            JSON.stringify({
              error: { code: 'payload_too_large', message: 'content_length: over 100 bytes' },
            }),
            { status: 413 },
          )
        : undefined;
    const failure = await client.upload(file(2 * PART)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DraftStoreError);
    expect(failure).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      message: 'content_length: over 100 bytes',
    });
    // A 4xx from the API is not transient: asked once.
    expect(api.apiCalls('multipart/create')).toHaveLength(1);
  });
});

describe('SDK confirm refusals', () => {
  it("surfaces confirm's content_rejected as a DraftStoreError with its reason", async () => {
    const { api, client } = setup();
    api.fault = (call) =>
      call.path === '/api/v1/confirm-upload'
        ? new Response(
            JSON.stringify({
              error: {
                code: 'content_rejected',
                message: 'The draft contains malware (Eicar).',
                reason: 'malware_detected',
              },
            }),
            { status: 422 },
          )
        : undefined;
    const failure = await client.confirm('eicar.txt').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DraftStoreError);
    expect(failure).toMatchObject({
      status: 422,
      code: 'content_rejected',
      reason: 'malware_detected',
      message: 'The draft contains malware (Eicar).',
    });
  });
});

describe('SDK retries of multipart/create', () => {
  it("asks again after a transient failure; the upload a lost answer may leave is the sweep's", async () => {
    const { api, client, sleeps } = setup();
    let refused = 0;
    api.fault = (call) => {
      if (call.path !== '/api/v1/multipart/create' || refused >= 2) return undefined;
      refused += 1;
      return new Response(
        JSON.stringify({
          error: { code: 'storage_unavailable', message: 'Storage is unavailable.' },
        }),
        { status: 503 },
      );
    };
    const big = file(2 * PART + 1);
    const result = await client.upload(big, { partSize: PART });
    expect(result).toMatchObject({ multipart: true, part_count: 3, parts_sent: 3 });
    expect(api.object).toEqual(await bytesOf(big));
    expect(api.apiCalls('multipart/create')).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });
});

describe('SDK resume bookkeeping', () => {
  const cancelAfterParts = (api: FakeApi, parts: number, controller: AbortController) => {
    api.fault = (call) => {
      if (call.method === 'PUT' && api.parts.size >= parts) {
        // What fetch does when its signal fires mid-request.
        controller.abort();
        throw new DOMException('This operation was aborted', 'AbortError');
      }
      return undefined;
    };
  };

  it('keeps a cancelled upload for resume, then sends only the missing parts', async () => {
    const { api, client, store } = setup();
    const big = file(5 * PART);
    const controller = new AbortController();
    cancelAfterParts(api, 2, controller);
    const first = await client
      .upload(big, {
        partSize: PART,
        concurrency: 1,
        signal: controller.signal,
        keepForResume: true,
      })
      .catch((error: unknown) => error);
    expect(first).toMatchObject({ status: 0, code: 'aborted' });
    expect(api.aborted).toBe(false);
    const fingerprint = fingerprintOf(BASE, big.name, blobSource(big));
    expect(await store.get(fingerprint)).toEqual({
      upload_id: 'upload-1',
      upload_token: 'token-upload-1',
      part_size: PART,
      object_name: big.name,
    });

    api.fault = undefined;
    const putsBefore = api.puts().length;
    const progress: UploadProgress[] = [];
    const second = await client.upload(big, {
      partSize: PART,
      onProgress: (event) => progress.push(event),
    });
    expect(second).toMatchObject({ resumed: true, part_count: 5, parts_sent: 3, puts: 3 });
    expect(api.puts().length - putsBefore).toBe(3);
    expect(api.apiCalls('multipart/create')).toHaveLength(1);
    expect(api.apiCalls('multipart/list-parts')[0]?.body).toEqual({
      object_name: big.name,
      upload_id: 'upload-1',
      upload_token: 'token-upload-1',
    });
    expect(api.object).toEqual(await bytesOf(big));
    // Parts already in the store count at once, in one event (a rate measured from the first
    // event then leaves them out); the total still ends exactly at 100 %.
    expect(progress[0]).toEqual({ loaded: 2 * PART, total: 5 * PART });
    expect(progress.at(-1)).toEqual({ loaded: 5 * PART, total: 5 * PART });
    expect(await store.get(fingerprint)).toBeUndefined();
  });

  it('aborts a cancelled upload and forgets it unless keepForResume is set', async () => {
    const { api, client, store } = setup();
    const big = file(4 * PART);
    const controller = new AbortController();
    cancelAfterParts(api, 1, controller);
    await expect(
      client.upload(big, { partSize: PART, concurrency: 1, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect(api.apiCalls('multipart/abort')[0]?.body).toEqual({
      object_name: big.name,
      upload_id: 'upload-1',
      upload_token: 'token-upload-1',
    });
    expect(await store.get(fingerprintOf(BASE, big.name, blobSource(big)))).toBeUndefined();
  });

  it('starts over when the remembered upload is gone (list-parts 404)', async () => {
    const { api, client, store } = setup();
    const big = file(2 * PART);
    const fingerprint = fingerprintOf(BASE, big.name, blobSource(big));
    await store.set(fingerprint, {
      upload_id: 'gone',
      upload_token: 'token-gone',
      part_size: PART,
      object_name: big.name,
    });
    const result = await client.upload(big, { partSize: PART });
    expect(result).toMatchObject({ resumed: false, parts_sent: 2 });
    expect(api.apiCalls('multipart/list-parts')).toHaveLength(1);
    expect(api.apiCalls('multipart/create')).toHaveLength(1);
    // No complete was ever sent for it (no ETags kept), so there is nothing to ask about.
    expect(api.apiCalls('multipart/complete')).toHaveLength(1);
    expect(await store.get(fingerprint)).toBeUndefined();
  });

  it('finishes an upload cancelled while complete is in flight, so no rerun sends it all again', async () => {
    // A cancel (Ctrl-C at "100 %") while complete runs: the server completes the upload
    // anyway, so the remembered upload is gone and a rerun would have to start over.
    const api = createFakeApi();
    const controller = new AbortController();
    const racing: typeof fetch = async (input, init) => {
      const response = await api.fetch(input, init);
      if (String(input).endsWith('/multipart/complete')) controller.abort();
      if (init?.signal?.aborted) throw new DOMException('This operation was aborted', 'AbortError');
      return response;
    };
    const store = memoryResumeStore();
    const client = new DraftStoreClient({
      baseUrl: BASE,
      fetch: racing,
      transport: fetchTransport(api.fetch),
      resumeStore: store,
      multipartThreshold: PART,
    });
    const big = file(3 * PART);
    const result = await client.upload(big, {
      partSize: PART,
      confirm: true,
      signal: controller.signal,
      keepForResume: true,
    });
    expect(controller.signal.aborted).toBe(true);
    expect(result).toMatchObject({ multipart: true, parts_sent: 3, size: 3 * PART });
    expect(result.confirmed?.final_location).toBe(`main/anonymous/${big.name}`);
    expect(api.object).toEqual(await bytesOf(big));
    expect(await store.get(fingerprintOf(BASE, big.name, blobSource(big)))).toBeUndefined();
  });

  /** A fetch whose process dies once `route` was sent: the server acts, the answer never comes. */
  const dyingAfter = (api: FakeApi, route: string): typeof fetch => {
    return async (input, init) => {
      const response = await api.fetch(input, init);
      if (String(input).endsWith(route)) return new Promise<Response>(() => undefined);
      return response;
    };
  };

  const clientWith = (api: FakeApi, store: ResumeStore, fetchFn: typeof fetch = api.fetch) =>
    new DraftStoreClient({
      baseUrl: BASE,
      fetch: fetchFn,
      transport: fetchTransport(api.fetch),
      resumeStore: store,
      multipartThreshold: PART,
    });

  it('finishes an upload whose complete a killed run sent, without sending a part again', async () => {
    const api = createFakeApi();
    const store = memoryResumeStore();
    const big = file(3 * PART);
    const fingerprint = fingerprintOf(BASE, big.name, blobSource(big));
    // The first run is killed while complete is in flight: the server completed the upload.
    void clientWith(api, store, dyingAfter(api, '/multipart/complete')).upload(big, {
      partSize: PART,
      confirm: true,
    });
    while (api.apiCalls('multipart/complete').length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await store.get(fingerprint)).toMatchObject({
      upload_id: 'upload-1',
      parts: ['"etag-1"', '"etag-2"', '"etag-3"'],
    });
    expect(api.confirmed).toBe(false);

    const putsBefore = api.puts().length;
    const progress: UploadProgress[] = [];
    const rerun = await clientWith(api, store).upload(big, {
      partSize: PART,
      confirm: true,
      onProgress: (event) => progress.push(event),
    });
    expect(rerun).toMatchObject({
      multipart: true,
      resumed: true,
      part_count: 3,
      parts_sent: 0,
      puts: 0,
      size: 3 * PART,
    });
    expect(rerun.confirmed?.final_location).toBe(`main/anonymous/${big.name}`);
    expect(api.puts().length - putsBefore).toBe(0);
    expect(api.apiCalls('multipart/create')).toHaveLength(1);
    // The same complete again, with the same token: the server recognises its own upload.
    expect(api.apiCalls('multipart/complete')[1]?.body).toEqual(
      api.apiCalls('multipart/complete')[0]?.body,
    );
    expect(progress).toEqual([{ loaded: 3 * PART, total: 3 * PART }]);
    expect(api.object).toEqual(await bytesOf(big));
    expect(await store.get(fingerprint)).toBeUndefined();
  });

  it('keeps the record while confirm fails, and the rerun confirms without sending again', async () => {
    const { api, client, store } = setup();
    const big = file(2 * PART);
    const fingerprint = fingerprintOf(BASE, big.name, blobSource(big));
    api.fault = (call) =>
      call.path === '/api/v1/confirm-upload'
        ? new Response(JSON.stringify({ error: { code: 'conflict', message: 'again' } }), {
            status: 409,
          })
        : undefined;
    await expect(client.upload(big, { partSize: PART, confirm: true })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await store.get(fingerprint)).toMatchObject({ parts: ['"etag-1"', '"etag-2"'] });

    api.fault = undefined;
    const rerun = await client.upload(big, { partSize: PART, confirm: true });
    expect(rerun).toMatchObject({ resumed: true, parts_sent: 0, puts: 0 });
    expect(rerun.confirmed?.success).toBe(true);
    expect(api.puts()).toHaveLength(2);
    expect(await store.get(fingerprint)).toBeUndefined();
  });

  it('starts over when the upload a killed run completed is no longer its draft', async () => {
    const { api, client, store } = setup();
    const big = file(2 * PART);
    const fingerprint = fingerprintOf(BASE, big.name, blobSource(big));
    // Completed, then removed (abort after complete): the server answers 404 to the repeat.
    await store.set(fingerprint, {
      upload_id: 'gone',
      upload_token: 'token-gone',
      part_size: PART,
      object_name: big.name,
      parts: ['"etag-1"', '"etag-2"'],
    });
    const result = await client.upload(big, { partSize: PART });
    expect(result).toMatchObject({ resumed: false, parts_sent: 2 });
    expect(api.apiCalls('multipart/complete').map((call) => call.body.upload_id)).toEqual([
      'gone',
      'upload-1',
    ]);
    expect(api.object).toEqual(await bytesOf(big));
    expect(await store.get(fingerprint)).toBeUndefined();
  });

  const rememberedComplete = async (store: ResumeStore, big: File) => {
    const fingerprint = fingerprintOf(BASE, big.name, blobSource(big));
    const record = {
      upload_id: 'maybe',
      upload_token: 'token-maybe',
      part_size: PART,
      object_name: big.name,
      parts: ['"etag-1"', '"etag-2"'],
    };
    await store.set(fingerprint, record);
    return { fingerprint, record };
  };

  it('starts over when the repeated complete keeps failing on the server side', async () => {
    // Ceph RGW's answer for good once the completed draft was deleted: waiting cannot help.
    const { api, client, store, sleeps } = setup();
    const big = file(2 * PART);
    const { fingerprint } = await rememberedComplete(store, big);
    api.fault = (call) =>
      call.path === '/api/v1/multipart/complete' && call.body.upload_id === 'maybe'
        ? new Response(
            JSON.stringify({ error: { code: 'storage_unavailable', message: 'in progress' } }),
            { status: 503 },
          )
        : undefined;
    const result = await client.upload(big, { partSize: PART });
    expect(result).toMatchObject({ resumed: false, parts_sent: 2 });
    // Retried like any call first; then the upload starts over.
    expect(sleeps).toHaveLength(DEFAULT_RETRY.retries);
    expect(api.apiCalls('multipart/create')).toHaveLength(1);
    expect(api.object).toEqual(await bytesOf(big));
    expect(await store.get(fingerprint)).toBeUndefined();
  });

  it('keeps the record when the API cannot be reached to ask', async () => {
    const { api, client, store } = setup();
    const big = file(2 * PART);
    const { fingerprint, record } = await rememberedComplete(store, big);
    api.fault = (call) => {
      if (call.path === '/api/v1/multipart/complete') throw new TypeError('fetch failed');
      return undefined;
    };
    await expect(client.upload(big, { partSize: PART })).rejects.toMatchObject({
      code: 'network_error',
    });
    expect(api.apiCalls('multipart/create')).toHaveLength(0);
    expect(api.puts()).toHaveLength(0);
    expect(await store.get(fingerprint)).toEqual(record);
  });

  it('fingerprints name, size and mtime: a changed file is a different upload', () => {
    const a = blobSource(new File(['aaaa'], 'f.bin', { lastModified: 1 }));
    const touched = blobSource(new File(['aaaa'], 'f.bin', { lastModified: 2 }));
    const grown = blobSource(new File(['aaaaa'], 'f.bin', { lastModified: 1 }));
    const same = blobSource(new File(['bbbb'], 'f.bin', { lastModified: 1 }));
    const key = fingerprintOf(BASE, 'f.bin', a);
    expect(fingerprintOf(BASE, 'f.bin', touched)).not.toBe(key);
    expect(fingerprintOf(BASE, 'f.bin', grown)).not.toBe(key);
    expect(fingerprintOf(BASE, 'other.bin', a)).not.toBe(key);
    expect(fingerprintOf(BASE, 'f.bin', same)).toBe(key);
  });
});

describe('SDK progress', () => {
  it('reports an empty file as done (0 of 0), so a progress bar reaches 100 %', async () => {
    const { client } = setup();
    const events: UploadProgress[] = [];
    await client.upload(file(0), { onProgress: (event) => events.push(event) });
    expect(events).toEqual([{ loaded: 0, total: 0 }]);
  });

  it('never goes backwards when a half-sent part is retried, and ends at the total', async () => {
    let attempt = 0;
    const { client } = setup({
      // Reports half of part 2, then fails it once; the retry starts from zero on the wire.
      transport: (inner) => async (request) => {
        if (request.url.includes('/part/upload-1/2?') && attempt++ === 0) {
          request.onProgress(PART / 2);
          throw new DraftStoreError(0, 'network_error', 'connection reset');
        }
        request.onProgress(PART / 4);
        return inner(request);
      },
    });
    const events: UploadProgress[] = [];
    await client.upload(file(3 * PART), {
      partSize: PART,
      concurrency: 1,
      onProgress: (event) => events.push(event),
    });
    // Part 2 got to 500 bytes, failed, and its retry's first 250 bytes changed nothing.
    expect(events.map((event) => event.loaded)).toEqual([250, 1000, 1500, 2000, 2250, 3000]);
    expect(events.every((event) => event.total === 3 * PART)).toBe(true);
  });
});
