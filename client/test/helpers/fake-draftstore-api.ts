/**
 * An in-memory DraftStore API and store behind a fake `fetch`, for the SDK's unit tests:
 * it speaks the REST and multipart wire shapes of issue 11 and records every call, and
 * `fault` can answer any request in its place.
 */
export interface FakeCall {
  readonly method: string;
  readonly path: string;
  readonly body: any;
}

export interface FakeApi {
  readonly fetch: typeof fetch;
  readonly calls: FakeCall[];
  /** part number -> bytes of the (single) multipart upload. */
  readonly parts: Map<number, Uint8Array>;
  /** The object assembled by complete, or a single PUT. */
  object?: Uint8Array;
  aborted: boolean;
  /** The upload id whose complete succeeded: list-parts no longer finds it. */
  completedUpload?: string;
  /** Confirm was called since the last create. */
  confirmed: boolean;
  /** Answers a request instead of the fake, when it returns something. */
  fault?: (call: FakeCall) => Response | undefined;
  puts(): FakeCall[];
  apiCalls(route: string): FakeCall[];
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export const createFakeApi = (options: { now?: () => number; partSize?: number } = {}): FakeApi => {
  const now = options.now ?? Date.now;
  const expiresAt = () => new Date(now() + 3_600_000).toISOString();
  let declared = 0;
  let partSize = 0;
  let uploadId = '';
  let uploads = 0;
  let signatures = 0;
  const api: FakeApi = {
    calls: [],
    parts: new Map(),
    aborted: false,
    confirmed: false,
    puts: () => api.calls.filter((call) => call.method === 'PUT'),
    apiCalls: (route) => api.calls.filter((call) => call.path === `/api/v1/${route}`),
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const method = init?.method ?? 'GET';
      const raw = init?.body;
      const body =
        method === 'PUT'
          ? new Uint8Array(await (raw as Blob).arrayBuffer())
          : JSON.parse(String(raw ?? 'null'));
      const call: FakeCall = { method, path: url.pathname + url.search, body };
      api.calls.push(call);
      const faulty = api.fault?.(call);
      if (faulty) return faulty;
      switch (url.pathname) {
        case '/api/v1/upload-url':
          return json(200, {
            upload_url: `http://store.test/single?sig=${++signatures}`,
            method: 'PUT',
            headers: { 'content-length': String(body.content_length) },
            object_name: body.object_name,
            expires_at: expiresAt(),
          });
        case '/api/v1/multipart/create': {
          declared = body.content_length;
          partSize = Math.max(body.part_size ?? options.partSize ?? 5 * 1024 * 1024, 1);
          uploadId = `upload-${++uploads}`;
          api.parts.clear();
          api.confirmed = false;
          return json(200, {
            upload_id: uploadId,
            upload_token: `token-${uploadId}`,
            object_name: body.object_name,
            part_size: partSize,
            part_count: Math.ceil(declared / partSize),
            expires_at: expiresAt(),
          });
        }
        case '/api/v1/multipart/sign-parts':
          if (body.upload_id !== uploadId) return json(404, notFound);
          return json(200, {
            parts: body.part_numbers.map((part: number) => ({
              part_number: part,
              url: `http://store.test/part/${uploadId}/${part}?sig=${++signatures}`,
              method: 'PUT',
              headers: {},
            })),
            expires_at: expiresAt(),
          });
        case '/api/v1/multipart/list-parts':
          if (body.upload_id !== uploadId || api.aborted || api.completedUpload === uploadId) {
            return json(404, notFound);
          }
          return json(200, {
            parts: [...api.parts].map(([part, bytes]) => ({
              part_number: part,
              etag: `"etag-${part}"`,
              size: bytes.length,
            })),
          });
        case '/api/v1/multipart/complete': {
          // As the server: a repeated complete answers as the first while the draft is there.
          if (body.upload_id === api.completedUpload && body.upload_id === uploadId) {
            if (api.confirmed || api.aborted) return json(404, notFound);
            return json(200, {
              object_name: body.object_name,
              size: api.object!.length,
              etag: 'x-2',
            });
          }
          if (body.upload_id !== uploadId || api.aborted) return json(404, notFound);
          const chunks = body.parts.map((part: { part_number: number; etag: string }) => {
            const bytes = api.parts.get(part.part_number);
            if (!bytes || part.etag !== `"etag-${part.part_number}"`) throw new Error('bad part');
            return bytes;
          });
          api.object = new Uint8Array(Buffer.concat(chunks));
          api.completedUpload = uploadId;
          return json(200, { object_name: body.object_name, size: api.object.length, etag: 'x-2' });
        }
        case '/api/v1/multipart/abort':
          api.aborted = true;
          return json(200, { aborted: true });
        case '/api/v1/confirm-upload':
          api.confirmed = true;
          return json(200, {
            success: true,
            object_name: body.object_name,
            final_location: `main/anonymous/${body.object_name}`,
            size: api.object?.length ?? 0,
            content_type: null,
            etag: 'e',
          });
        case '/single':
          api.object = body;
          return new Response('', { status: 200, headers: { etag: '"single"' } });
        default: {
          const match = /^\/part\/([^/]+)\/(\d+)$/.exec(url.pathname);
          if (method === 'PUT' && match) {
            if (match[1] !== uploadId || api.aborted) return s3Error(404, 'NoSuchUpload');
            api.parts.set(Number(match[2]), body);
            return new Response('', { status: 200, headers: { etag: `"etag-${match[2]}"` } });
          }
          return json(404, notFound);
        }
      }
    },
  };
  return api;
};

const notFound = { error: { code: 'not_found', message: 'No such upload.' } };

export const s3Error = (status: number, code: string, message = code): Response =>
  new Response(
    `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    {
      status,
    },
  );
