import { randomBytes } from 'node:crypto';
import {
  DraftStoreClient,
  fetchTransport,
  fingerprintOf,
  memoryResumeStore,
  type ResumeStore,
} from '../src/index.js';
import { isResumeRecord } from '../src/resume-store.js';
import { blobSource } from '../src/source.js';
import { createFakeApi, type FakeApi } from './helpers/fake-draftstore-api.js';

/**
 * The SDK against an API that answers wrongly: each answer must end in a DraftStoreError
 * before a byte goes to a URL the answer made up, never in a TypeError, a hang or a
 * completed upload of the wrong parts.
 */
const BASE = 'http://api.test';
const PART = 1000;

type Rewrite = (path: string, response: Response) => Promise<Response> | Response;

interface Hostile {
  readonly api: FakeApi;
  readonly client: DraftStoreClient;
  readonly store: ResumeStore;
}

/** The fake API, with every answer to the API (not the store) passed through `rewrite`. */
const hostile = (rewrite: Rewrite = (_, response) => response): Hostile => {
  const api = createFakeApi();
  const store = memoryResumeStore();
  const apiFetch: typeof fetch = async (input, init) =>
    rewrite(new URL(String(input)).pathname, await api.fetch(input, init));
  const client = new DraftStoreClient({
    baseUrl: BASE,
    fetch: apiFetch,
    transport: fetchTransport(api.fetch),
    resumeStore: store,
    multipartThreshold: PART,
    retry: { retries: 1, random: () => 0.5, sleep: async () => undefined },
  });
  return { api, client, store };
};

const on =
  (route: string, change: (real: any) => unknown): Rewrite =>
  async (path, response) =>
    path === `/api/v1/${route}` && response.ok
      ? new Response(JSON.stringify(change(await response.json())), { status: 200 })
      : response;

const file = (size: number) =>
  new File([randomBytes(size)], 'movie.mp4', { type: 'video/mp4', lastModified: 1 });

const invalid = { name: 'DraftStoreError', code: 'invalid_response' };

describe('SDK against malformed API answers', () => {
  it.each<[string, (real: any) => unknown]>([
    ['part_size 0', (real) => ({ ...real, part_size: 0 })],
    ['a negative part_size', (real) => ({ ...real, part_size: -PART })],
    ['a fractional part_size', (real) => ({ ...real, part_size: PART / 3 })],
    ['a part_size as a string', (real) => ({ ...real, part_size: String(PART) })],
    ['no upload_id', ({ upload_id: _id, ...rest }) => rest],
    ['no upload_token', ({ upload_token: _token, ...rest }) => rest],
    ['a part_count that disagrees with the size', (real) => ({ ...real, part_count: 2 })],
    ['JSON null', () => null],
    ['a JSON string', () => 'ok'],
  ])('refuses a create answer with %s before any PUT', async (_, change) => {
    const { api, client } = hostile(on('multipart/create', change));
    await expect(client.upload(file(3 * PART), { partSize: PART })).rejects.toMatchObject(invalid);
    expect(api.puts()).toHaveLength(0);
  });

  it.each<[string, (real: any) => unknown]>([
    ['no parts list', ({ parts: _parts, ...rest }) => rest],
    [
      'a file: URL',
      (real) => ({
        ...real,
        parts: real.parts.map((p: any) => ({ ...p, url: 'file:///etc/passwd' })),
      }),
    ],
    [
      'a URL that is no URL',
      (real) => ({ ...real, parts: real.parts.map((p: any) => ({ ...p, url: 'not a url' })) }),
    ],
    [
      'headers that are not strings',
      (real) => ({ ...real, parts: real.parts.map((p: any) => ({ ...p, headers: { a: 1 } })) }),
    ],
    ['an expires_at that is no date', (real) => ({ ...real, expires_at: 'soon' })],
    [
      'URLs for other parts only',
      (real) => ({
        ...real,
        parts: real.parts.map((p: any) => ({ ...p, part_number: p.part_number + 100 })),
      }),
    ],
  ])('refuses a sign-parts answer with %s, PUTs nothing to it', async (_, change) => {
    const { api, client } = hostile(on('multipart/sign-parts', change));
    await expect(client.upload(file(3 * PART), { partSize: PART })).rejects.toMatchObject(invalid);
    expect(api.puts()).toHaveLength(0);
  });

  it.each<[string, (real: any) => unknown]>([
    ['a javascript: URL', (real) => ({ ...real, upload_url: 'javascript:alert(1)' })],
    ['no upload_url', ({ upload_url: _url, ...rest }) => rest],
    ['no headers', ({ headers: _headers, ...rest }) => rest],
  ])('refuses an upload-url answer with %s, PUTs nothing', async (_, change) => {
    const { api, client } = hostile(on('upload-url', change));
    await expect(client.upload(file(PART))).rejects.toMatchObject(invalid);
    expect(api.puts()).toHaveLength(0);
  });

  it.each<[string, (real: any) => unknown]>([
    ['an empty object', () => ({})],
    ['a size other than the file', (real) => ({ ...real, size: real.size - 1 })],
  ])('never reports success when complete answers %s', async (_, change) => {
    const { client } = hostile(on('multipart/complete', change));
    await expect(client.upload(file(3 * PART), { partSize: PART })).rejects.toMatchObject(invalid);
  });

  it('uses only the sign-parts URLs of the parts it asked for, whatever else comes', async () => {
    const { api, client } = hostile(
      on('multipart/sign-parts', (real) => ({
        ...real,
        parts: [
          { part_number: 99, url: 'http://evil.test/x', method: 'PUT', headers: {} },
          ...real.parts,
        ],
      })),
    );
    const big = file(3 * PART);
    await client.upload(big, { partSize: PART });
    expect(api.puts().map((call) => call.path.split('?')[0])).toEqual(
      expect.arrayContaining(['/part/upload-1/1', '/part/upload-1/2', '/part/upload-1/3']),
    );
    expect(api.puts()).toHaveLength(3);
    expect(api.object).toEqual(new Uint8Array(await big.arrayBuffer()));
  });

  it('turns a body cut off mid-answer into a network_error, and retries it', async () => {
    let cut = 1;
    const { api, client } = hostile((path, response) => {
      if (path !== '/api/v1/multipart/create' || cut-- <= 0) return response;
      const broken = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"upload_id":'));
          controller.error(new TypeError('terminated: other side closed'));
        },
      });
      return new Response(broken, { status: 200 });
    });
    const big = file(2 * PART);
    const result = await client.upload(big, { partSize: PART });
    expect(result).toMatchObject({ multipart: true, parts_sent: 2 });
    expect(api.apiCalls('multipart/create')).toHaveLength(2);
  });

  it('turns a store answer cut off mid-body into a retried network_error', async () => {
    const api = createFakeApi();
    let cut = 1;
    const storeFetch: typeof fetch = async (input, init) => {
      const response = await api.fetch(input, init);
      if (init?.method !== 'PUT' || cut-- <= 0) return response;
      const broken = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.error(new TypeError('terminated: ECONNRESET'));
        },
      });
      return new Response(broken, { status: 500 });
    };
    const client = new DraftStoreClient({
      baseUrl: BASE,
      fetch: api.fetch,
      transport: fetchTransport(storeFetch),
      resumeStore: memoryResumeStore(),
      multipartThreshold: PART,
      retry: { retries: 1, random: () => 0.5, sleep: async () => undefined },
    });
    await expect(client.upload(file(PART))).resolves.toMatchObject({ multipart: false });
    expect(api.puts()).toHaveLength(2);
  });

  it('never completes with a part 0 or a fractional part that list-parts made up', async () => {
    const { api, client, store } = hostile(
      on('multipart/list-parts', (real) => ({
        parts: [
          ...real.parts,
          { part_number: 0, etag: '"etag-0"', size: PART },
          { part_number: 1.5, etag: '"etag-x"', size: PART },
          { part_number: -1, etag: '"etag-y"', size: PART },
        ],
      })),
    );
    const big = file(3 * PART);
    // A first run that left part 1 in the store.
    const controller = new AbortController();
    api.fault = (call) => {
      if (call.method === 'PUT' && api.parts.size >= 1) controller.abort();
      return undefined;
    };
    await client
      .upload(big, {
        partSize: PART,
        concurrency: 1,
        signal: controller.signal,
        keepForResume: true,
      })
      .catch(() => undefined);
    api.fault = undefined;
    const result = await client.upload(big, { partSize: PART });
    expect(result).toMatchObject({ resumed: true });
    expect(
      api
        .apiCalls('multipart/complete')
        .at(-1)
        ?.body.parts.map((p: any) => p.part_number),
    ).toEqual([1, 2, 3]);
    expect(api.object).toEqual(new Uint8Array(await big.arrayBuffer()));
    expect(await store.get(fingerprintOf(BASE, big.name, blobSource(big)))).toBeUndefined();
  });

  it('refuses a list-parts answer without a parts list', async () => {
    const { client, store } = hostile((path, response) =>
      path === '/api/v1/multipart/list-parts'
        ? new Response(JSON.stringify({ nope: true }), { status: 200 })
        : response,
    );
    const big = file(2 * PART);
    await store.set(fingerprintOf(BASE, big.name, blobSource(big)), {
      upload_id: 'upload-0',
      upload_token: 't',
      part_size: PART,
      object_name: big.name,
    });
    await expect(client.upload(big, { partSize: PART })).rejects.toMatchObject(invalid);
  });
});

describe('SDK with corrupt resume records', () => {
  it.each([0, -5, 0.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'does not accept a record with part_size %p',
    (partSize) => {
      expect(
        isResumeRecord({
          upload_id: 'u',
          upload_token: 't',
          object_name: 'o',
          part_size: partSize,
        }),
      ).toBe(false);
    },
  );

  it.each([0, -5, 0.5])(
    'starts over when a custom store hands back a record with part_size %p',
    async (partSize) => {
      const { api, client, store } = hostile();
      const big = file(2 * PART);
      await store.set(fingerprintOf(BASE, big.name, blobSource(big)), {
        upload_id: 'upload-0',
        upload_token: 't',
        part_size: partSize,
        object_name: big.name,
      });
      const result = await client.upload(big, { partSize: PART });
      expect(result).toMatchObject({ resumed: false, parts_sent: 2 });
      expect(api.apiCalls('multipart/list-parts')).toHaveLength(0);
      expect(api.object).toEqual(new Uint8Array(await big.arrayBuffer()));
    },
  );
});

describe('SDK against an API that never answers', () => {
  it('stops promptly on cancel even when the abort call hangs', async () => {
    const api = createFakeApi();
    const controller = new AbortController();
    let abortCallSignal: AbortSignal | undefined;
    const apiFetch: typeof fetch = (input, init) => {
      if (String(input).endsWith('/multipart/abort')) {
        abortCallSignal = init?.signal ?? undefined;
        // Never answers; gives up only when its signal fires.
        return new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
      return api.fetch(input, init);
    };
    api.fault = (call) => {
      if (call.method === 'PUT') controller.abort();
      return undefined;
    };
    const client = new DraftStoreClient({
      baseUrl: BASE,
      fetch: apiFetch,
      transport: fetchTransport(api.fetch),
      resumeStore: memoryResumeStore(),
      multipartThreshold: PART,
      retry: { random: () => 0.5, sleep: async () => undefined },
    });
    const started = Date.now();
    await expect(
      client.upload(file(3 * PART), { partSize: PART, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'aborted' });
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(abortCallSignal?.aborted).toBe(true);
  }, 10_000);
});
