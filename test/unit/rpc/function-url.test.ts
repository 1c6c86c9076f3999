import { generateKeyPairSync, sign } from 'node:crypto';
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { fromBinary, toBinary, toJson, create } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { DraftService as Drafts } from '../../../lambdas/core/draft-service.js';
import { ObjectCatalog } from '../../../lambdas/core/object-catalog.js';
import {
  ConfirmUploadResponseSchema,
  GetUploadURLRequestSchema,
  GetUploadURLResponseSchema,
} from '../../../lambdas/gen/draft/v1/draft_pb.js';
import { logger } from '../../../lambdas/observability/logger.js';
import {
  createFunctionUrlHandler,
  type FunctionUrlResult,
} from '../../../lambdas/rpc/function-url.js';
import { createJwtVerifier } from '../../../lambdas/rpc/jwt.js';
import { FakeObjectStore } from '../../helpers/fake-object-store.js';
import { UsageAccounts } from '../../../lambdas/core/usage-accounts.js';

const UNLIMITED = { bytes: null, objects: null };

const buckets = { draft: 'drafts', main: 'uploads' };
const now = new Date('2026-01-01T00:00:00Z');
const SERVICE = '/draft.v1.DraftService';

const setup = (options: Partial<Parameters<typeof createFunctionUrlHandler>[0]> = {}) => {
  const store = new FakeObjectStore([buckets.draft, buckets.main], () => now);
  const drafts = new Drafts({
    store,
    buckets,
    policy: { maxUploadBytes: 5 * 1024 ** 3, allowedContentTypes: [] },
    uploadTtlSeconds: 600,
    downloadTtlSeconds: 60,
    clock: () => now,
  });
  const objects = new ObjectCatalog({ store, buckets });
  return {
    store,
    handler: createFunctionUrlHandler({
      resolve: () => ({
        drafts,
        objects,
        accounts: new UsageAccounts({ store, mainBucket: buckets.main, defaults: UNLIMITED }),
      }),
      ...options,
    }),
  };
};

/** A function URL event as Lambda delivers it: lower-case headers, binary bodies in base64. */
const functionUrlEvent = (
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array | string,
  method = 'POST',
): LambdaFunctionURLEvent => {
  const binary = body instanceof Uint8Array;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc123.lambda-url.eu-west-1.on.aws', ...headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc123',
      domainName: 'abc123.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc123',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'test',
      },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: binary,
    ...(body !== undefined && {
      body: binary ? Buffer.from(body).toString('base64') : body,
    }),
  };
};

const bodyOf = (result: FunctionUrlResult): Buffer =>
  Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');

const envelope = (message: Uint8Array, flags = 0): Uint8Array => {
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt8(flags, 0);
  framed.writeUInt32BE(message.length, 1);
  Buffer.from(message).copy(framed, 5);
  return framed;
};

/** Splits a gRPC-web body into its message frames and its trailer frame. */
const grpcWebFrames = (body: Buffer) => {
  const messages: Buffer[] = [];
  const trailers: Record<string, string> = {};
  for (let at = 0; at < body.length;) {
    const flags = body.readUInt8(at);
    const length = body.readUInt32BE(at + 1);
    const payload = body.subarray(at + 5, at + 5 + length);
    if (flags & 0x80) {
      for (const line of payload.toString('utf8').split('\r\n').filter(Boolean)) {
        const colon = line.indexOf(':');
        trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
    } else messages.push(payload);
    at += 5 + length;
  }
  return { messages, trailers };
};

const ORIGIN = 'https://app.example';

describe('the connect Lambda behind a function URL', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('answers a binary gRPC-web call with the message and grpc-status 0 in the trailer frame', async () => {
    // Prepare
    const { handler } = setup();
    const request = toBinary(
      GetUploadURLRequestSchema,
      create(GetUploadURLRequestSchema, { objectName: 'a.txt', contentLength: 3n }),
    );

    // Act
    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        {
          'content-type': 'application/grpc-web+proto',
          'x-grpc-web': '1',
          origin: ORIGIN,
        },
        envelope(request),
      ),
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers?.['content-type']).toBe('application/grpc-web+proto');
    expect(result.headers?.['access-control-allow-origin']).toBe('*');
    expect(String(result.headers?.['access-control-expose-headers'])).toMatch(/Grpc-Status/);
    const { messages, trailers } = grpcWebFrames(bodyOf(result));
    expect(trailers['grpc-status']).toBe('0');
    const response = fromBinary(GetUploadURLResponseSchema, messages[0]!);
    expect(response.result?.success).toBe(true);
    expect(response.url).toBe('fake://drafts/anonymous/a.txt?put&expires=600');
    expect(response.headers).toEqual({ 'content-length': '3' });
  });

  it('carries a failure of a gRPC-web call in the trailers with the mapped code', async () => {
    const { handler } = setup();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/ConfirmUpload`,
        { 'content-type': 'application/grpc-web+proto' },
        envelope(new Uint8Array(Buffer.from([0x0a, 0x01, 0x78]))), // object_name: "x"
      ),
    );

    const { trailers } = grpcWebFrames(bodyOf(result));
    expect(trailers['grpc-status']).toBe(String(Code.NotFound));
    expect(decodeURIComponent(trailers['grpc-message'] ?? '')).toBe('No draft named "x".');
    expect(trailers['grpc-status-details-bin']).toBeDefined();
  });

  it('answers a header fetch cannot carry with 400 invalid_argument instead of failing the invocation', async () => {
    const { handler } = setup();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        { 'content-type': 'application/json', 'x-note': 'é€' },
        JSON.stringify({ objectName: 'a.txt' }),
      ),
    );

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(bodyOf(result).toString())).toMatchObject({ code: 'invalid_argument' });
  });

  it('answers a body that is not protobuf with invalid_argument, not internal, in every protocol', async () => {
    const { store, handler } = setup();
    const garbage = new Uint8Array(Buffer.from('garbage'));

    const connect = await handler(
      functionUrlEvent(`${SERVICE}/GetUploadURL`, { 'content-type': 'application/proto' }, garbage),
    );
    const grpcWeb = await handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        { 'content-type': 'application/grpc-web+proto' },
        envelope(garbage),
      ),
    );

    expect(connect.statusCode).toBe(400);
    expect(JSON.parse(bodyOf(connect).toString())).toMatchObject({ code: 'invalid_argument' });
    expect(grpcWebFrames(bodyOf(grpcWeb)).trailers['grpc-status']).toBe(
      String(Code.InvalidArgument),
    );
    expect(store.count('presignPut')).toBe(0);
  });

  it('answers a Connect JSON call, accepting the original snake_case field names', async () => {
    const { store, handler } = setup();
    store.put(buckets.draft, 'anonymous/doc.txt', 'hello', { contentType: 'text/plain' });

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/ConfirmUpload`,
        { 'content-type': 'application/json', 'connect-protocol-version': '1' },
        JSON.stringify({ object_name: 'doc.txt' }),
      ),
    );

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(bodyOf(result).toString('utf8'))).toEqual({
      result: { success: true },
      finalLocation: 'uploads/anonymous/doc.txt',
      size: '5',
      etag: '5d41402abc4b2a76b9719d911017c592',
      contentType: 'text/plain',
      objectName: 'doc.txt',
    });
  });

  it('answers a Connect JSON failure with the Connect error code and HTTP status', async () => {
    const { handler } = setup();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/GetDownloadURL`,
        { 'content-type': 'application/json' },
        JSON.stringify({ objectName: '../escape' }),
      ),
    );

    expect(result.statusCode).toBe(400);
    const error = JSON.parse(bodyOf(result).toString('utf8'));
    expect(error.code).toBe('invalid_argument');
    expect(error.details[0].type).toBe('draft.v1.Result');
  });

  it('answers a Connect binary call', async () => {
    const { store, handler } = setup();
    store.put(buckets.draft, 'anonymous/b.bin', Buffer.from([1, 2, 3]));

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/ConfirmUpload`,
        { 'content-type': 'application/proto', 'connect-protocol-version': '1' },
        new Uint8Array([0x0a, 0x05, ...Buffer.from('b.bin')]),
      ),
    );

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/proto');
    const response = fromBinary(ConfirmUploadResponseSchema, bodyOf(result));
    expect(toJson(ConfirmUploadResponseSchema, response)).toMatchObject({
      result: { success: true },
      finalLocation: 'uploads/anonymous/b.bin',
      size: '3',
    });
  });

  it('refuses a content type it does not serve with 415', async () => {
    const { handler } = setup();

    const result = await handler(
      functionUrlEvent(`${SERVICE}/ConfirmUpload`, { 'content-type': 'text/plain' }, 'hello'),
    );

    expect(result.statusCode).toBe(415);
  });

  it('refuses plain gRPC with 415 and a grpc-status that explains why', async () => {
    const { store, handler } = setup();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/CreateDraftBucket`,
        { 'content-type': 'application/grpc+proto', te: 'trailers' },
        envelope(new Uint8Array()),
      ),
    );

    expect(result.statusCode).toBe(415);
    expect(result.headers?.['grpc-status']).toBe(String(Code.Unimplemented));
    expect(decodeURIComponent(String(result.headers?.['grpc-message']))).toMatch(/trailers/);
    expect(store.calls).toEqual([]);
  });

  it('answers an unknown path with 404 and a CORS preflight with the Connect headers', async () => {
    const { handler } = setup({ corsOrigins: [ORIGIN] });

    const missing = await handler(
      functionUrlEvent('/nope', { 'content-type': 'application/json' }, '{}'),
    );
    const preflight = await handler(
      functionUrlEvent(`${SERVICE}/GetUploadURL`, { origin: ORIGIN }, undefined, 'OPTIONS'),
    );
    const foreign = await handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        { origin: 'https://evil.example' },
        undefined,
        'OPTIONS',
      ),
    );

    expect(missing.statusCode).toBe(404);
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'POST, GET',
    });
    expect(String(preflight.headers?.['access-control-allow-headers'])).toMatch(
      /Connect-Protocol-Version.*X-Grpc-Web.*Authorization/,
    );
    expect(foreign.headers?.['access-control-allow-origin']).toBeUndefined();
  });
});

describe('a method an RPC does not take, on the function URL', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it.each(['GET', 'PUT', 'DELETE'])(
    'answers %s with 405, Allow and a Connect error body',
    async (method) => {
      const { store, handler } = setup({ corsOrigins: [ORIGIN] });

      const result = await handler(
        functionUrlEvent(
          `${SERVICE}/ConfirmUpload`,
          { 'content-type': 'application/json', origin: ORIGIN },
          method === 'GET' ? undefined : '{"objectName":"a.txt"}',
          method,
        ),
      );

      expect(result.statusCode).toBe(405);
      expect(result.headers).toMatchObject({
        'content-type': 'application/json',
        allow: 'POST',
        'access-control-allow-origin': ORIGIN,
      });
      expect(JSON.parse(bodyOf(result).toString('utf8'))).toEqual({
        code: 'unimplemented',
        message: `draft.v1.DraftService/ConfirmUpload takes POST, not ${method}.`,
      });
      expect(store.calls).toEqual([]);
    },
  );

  it('gives a gRPC-web client its status in the headers too', async () => {
    const { handler } = setup();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/Health`,
        { 'content-type': 'application/grpc-web+proto' },
        undefined,
        'GET',
      ),
    );

    expect(result.statusCode).toBe(405);
    expect(result.headers?.['grpc-status']).toBe(String(Code.Unimplemented));
    expect(decodeURIComponent(String(result.headers?.['grpc-message']))).toBe(
      'draft.v1.DraftService/Health takes POST, not GET.',
    );
  });
});

describe('compressed calls on the function URL, as the local runtime serves them', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  const getUploadUrl = toBinary(
    GetUploadURLRequestSchema,
    create(GetUploadURLRequestSchema, { objectName: 'zipped.txt' }),
  );

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const)(
    'answers a Connect JSON call sent with Content-Encoding %s',
    async (encoding, compress) => {
      const { handler } = setup();

      const result = await handler(
        functionUrlEvent(
          `${SERVICE}/GetUploadURL`,
          { 'content-type': 'application/json', 'content-encoding': encoding },
          new Uint8Array(compress(JSON.stringify({ objectName: 'zipped.txt' }))),
        ),
      );

      expect(result.statusCode).toBe(200);
      expect(JSON.parse(bodyOf(result).toString('utf8'))).toMatchObject({
        result: { success: true },
        objectName: 'zipped.txt',
      });
    },
  );

  it('answers a Connect binary call sent with Content-Encoding br', async () => {
    const { handler } = setup();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        { 'content-type': 'application/proto', 'content-encoding': 'br' },
        new Uint8Array(brotliCompressSync(getUploadUrl)),
      ),
    );

    expect(result.statusCode).toBe(200);
    expect(fromBinary(GetUploadURLResponseSchema, bodyOf(result)).objectName).toBe('zipped.txt');
  });

  it('answers a gRPC-web message compressed with grpc-encoding gzip', async () => {
    const { handler } = setup();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        { 'content-type': 'application/grpc-web+proto', 'grpc-encoding': 'gzip' },
        envelope(gzipSync(getUploadUrl), 1),
      ),
    );

    const { messages, trailers } = grpcWebFrames(bodyOf(result));
    expect(trailers['grpc-status']).toBe('0');
    expect(fromBinary(GetUploadURLResponseSchema, messages[0]!).objectName).toBe('zipped.txt');
  });

  it('compresses a large enough answer for a client that accepts gzip', async () => {
    const { store, handler } = setup();
    for (let index = 0; index < 40; index += 1) {
      store.put(buckets.main, `anonymous/listed-${index}.txt`, 'x');
    }

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/ListObjects`,
        { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
        '{}',
      ),
    );

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-encoding']).toBe('gzip');
    const listing = JSON.parse(gunzipSync(bodyOf(result)).toString('utf8'));
    expect(listing.objects).toHaveLength(40);
  });

  it.each([
    ['gzip', Buffer.from('not gzip at all')],
    ['br', Buffer.from('x')],
  ])(
    'answers invalid_argument for a corrupt %s body, in Connect and gRPC-web',
    async (encoding, body) => {
      const { store, handler } = setup();

      const connect = await handler(
        functionUrlEvent(
          `${SERVICE}/GetUploadURL`,
          { 'content-type': 'application/proto', 'content-encoding': encoding },
          new Uint8Array(body),
        ),
      );
      const grpcWeb = await handler(
        functionUrlEvent(
          `${SERVICE}/GetUploadURL`,
          { 'content-type': 'application/grpc-web+proto', 'grpc-encoding': encoding },
          envelope(body, 1),
        ),
      );

      expect(connect.statusCode).toBe(400);
      expect(JSON.parse(bodyOf(connect).toString('utf8')).code).toBe('invalid_argument');
      expect(grpcWebFrames(bodyOf(grpcWeb)).trailers['grpc-status']).toBe(
        String(Code.InvalidArgument),
      );
      expect(store.count('presignPut')).toBe(0);
    },
  );

  it('answers an encoding it does not know with unimplemented, and 415 as HTTP says for a content coding', async () => {
    const { store, handler } = setup();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        { 'content-type': 'application/json', 'content-encoding': 'zstd' },
        new Uint8Array(Buffer.from('{}')),
      ),
    );

    expect(result.statusCode).toBe(415);
    expect(result.headers).toMatchObject({ 'grpc-status': '12', 'accept-encoding': 'gzip, br' });
    expect(JSON.parse(bodyOf(result).toString('utf8'))).toMatchObject({
      code: 'unimplemented',
      message: expect.stringMatching(/zstd/),
    });
    expect(store.count('presignPut')).toBe(0);
  });

  it('refuses a gzip body that inflates past the request limit with resource_exhausted', async () => {
    const { store, handler } = setup();
    // 64 MiB of spaces inflate from about 64 KiB: a bomb, not a request.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 ** 2, 0x20));

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        new Uint8Array(bomb),
      ),
    );

    expect(result.statusCode).toBe(429);
    expect(JSON.parse(bodyOf(result).toString('utf8')).code).toBe('resource_exhausted');
    expect(store.count('presignPut')).toBe(0);
  });
});

describe('bearer tokens on the function URL', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  const issuer = 'https://issuer.example';
  const audience = 'draftstore';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = {
    keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }],
  };

  const token = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1', ...header })}.${part({
      iss: issuer,
      aud: audience,
      sub: 'alice',
      exp: now.getTime() / 1000 + 300,
      ...claims,
    })}`;
    return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
  };

  const setupWithJwt = () => {
    const fetched: string[] = [];
    const fetchStub = (async (url: string) => {
      fetched.push(url);
      return new Response(JSON.stringify(jwks), {
        headers: { 'content-type': 'application/json' },
      });
    }) as unknown as typeof fetch;
    const verifyToken = createJwtVerifier({ issuer, audience, fetch: fetchStub, clock: () => now });
    return { fetched, ...setup({ verifyToken }) };
  };

  const call = (handler: ReturnType<typeof setup>['handler'], authorization?: string) =>
    handler(
      functionUrlEvent(
        `${SERVICE}/GetUploadURL`,
        {
          'content-type': 'application/json',
          ...(authorization !== undefined && { authorization }),
        },
        JSON.stringify({ objectName: 'a.txt' }),
      ),
    );

  it("keys objects under the verified token's sub and caches the issuer's keys", async () => {
    const { handler, fetched } = setupWithJwt();

    const first = await call(handler, `Bearer ${token({})}`);
    const second = await call(handler, `Bearer ${token({ sub: 'bob' })}`);

    expect(first.statusCode).toBe(200);
    expect(JSON.parse(bodyOf(first).toString()).url).toBe(
      'fake://drafts/alice/a.txt?put&expires=600',
    );
    expect(JSON.parse(bodyOf(second).toString()).url).toBe(
      'fake://drafts/bob/a.txt?put&expires=600',
    );
    expect(fetched).toEqual(['https://issuer.example/.well-known/jwks.json']);
  });

  it('accepts a Cognito access token, whose audience is its client_id', async () => {
    const fetchStub = (async () =>
      new Response(JSON.stringify(jwks), {
        headers: { 'content-type': 'application/json' },
      })) as unknown as typeof fetch;
    const verifyToken = createJwtVerifier({ issuer, audience, fetch: fetchStub, clock: () => now });

    await expect(verifyToken(token({ aud: undefined, client_id: audience }))).resolves.toBe(
      'alice',
    );
    await expect(verifyToken(token({ aud: undefined, client_id: 'other-app' }))).rejects.toThrow(
      /audience/,
    );
  });

  it('keeps using keys it already has while the issuer is unreachable', async () => {
    let reachable = true;
    const fetchStub = (async () => {
      if (!reachable) throw new TypeError('fetch failed');
      return new Response(JSON.stringify(jwks), {
        headers: { 'content-type': 'application/json' },
      });
    }) as unknown as typeof fetch;
    const verifyToken = createJwtVerifier({
      issuer,
      audience,
      fetch: fetchStub,
      clock: () => now,
      cacheSeconds: 0,
    });
    await expect(verifyToken(token({}))).resolves.toBe('alice');

    reachable = false;

    await expect(verifyToken(token({ sub: 'bob' }))).resolves.toBe('bob');
  });

  it('accepts a token for any audience of a comma list, as the stack passes several', async () => {
    const fetchStub = (async () =>
      new Response(JSON.stringify(jwks), {
        headers: { 'content-type': 'application/json' },
      })) as unknown as typeof fetch;
    const verifyToken = createJwtVerifier({
      issuer,
      audience: `web-client, ${audience}`,
      fetch: fetchStub,
      clock: () => now,
    });

    await expect(verifyToken(token({}))).resolves.toBe('alice');
    await expect(verifyToken(token({ aud: 'web-client' }))).resolves.toBe('alice');
    await expect(verifyToken(token({ aud: 'someone-else' }))).rejects.toThrow(/audience/);
  });

  it.each([
    ['no token', undefined],
    ['an expired token', `Bearer ${token({ exp: now.getTime() / 1000 - 120 })}`],
    ['a token not valid yet', `Bearer ${token({ nbf: now.getTime() / 1000 + 600 })}`],
    ['another audience', `Bearer ${token({ aud: 'someone-else' })}`],
    ['another issuer', `Bearer ${token({ iss: 'https://evil.example' })}`],
    ['an unsigned token', `Bearer ${token({}, { alg: 'none' })}`],
    [
      'a tampered payload',
      `Bearer ${token({}).replace(/\.[^.]+\./, `.${Buffer.from(JSON.stringify({ iss: issuer, aud: audience, sub: 'root', exp: 9e9 })).toString('base64url')}.`)}`,
    ],
  ])('refuses %s with Unauthenticated', async (_label, authorization) => {
    const { handler, store } = setupWithJwt();

    const result = await call(handler, authorization);

    expect(result.statusCode).toBe(401);
    expect(JSON.parse(bodyOf(result).toString()).code).toBe('unauthenticated');
    expect(store.count('presignPut')).toBe(0);
  });

  it('reports the error type of a refused call in the Connect JSON details', async () => {
    const { handler } = setupWithJwt();

    const result = await handler(
      functionUrlEvent(
        `${SERVICE}/GetDownloadURL`,
        { 'content-type': 'application/json', authorization: `Bearer ${token({})}` },
        JSON.stringify({ objectName: 'missing' }),
      ),
    );

    expect(result.statusCode).toBe(404);
    const detail = JSON.parse(bodyOf(result).toString()).details[0];
    expect(detail.type).toBe('draft.v1.Result');
    expect(detail.debug).toMatchObject({ errorType: 'ERROR_TYPE_OBJECT_NOT_FOUND' });
  });
});
