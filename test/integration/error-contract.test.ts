import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import type { Services } from '../../lambdas/compose.js';
import type { DraftService } from '../../lambdas/core/draft-service.js';
import { MAX_RPC_REQUEST_BYTES, type RpcServices } from '../../lambdas/rpc/routes.js';
import {
  DRAFT_ERROR_CODES,
  DraftError,
  REJECTION_REASON_HEADER,
  type DraftErrorCode,
} from '../../lambdas/core/errors.js';
import { RateLimiter } from '../../lambdas/core/rate-limiter.js';
import { ERROR_TABLE, ErrorTypeNumber } from '../../lambdas/error-table.js';
import { ConfirmUploadRequestSchema, ResultSchema } from '../../lambdas/gen/draft/v1/draft_pb.js';
import { logger } from '../../lambdas/observability/logger.js';
import { createLocalConnectHandler } from '../../local/connect-server.js';
import { startLocalHttpServer, type LocalHttpServer } from '../../local/http-server.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

const ROOT = join(import.meta.dirname, '..', '..');
const NO_LIMITS = new RateLimiter({ limits: {} });

interface DocumentedRow {
  readonly status: number;
  readonly code: string;
  /** `INVALID_ARGUMENT`, or undefined for a REST-only row. */
  readonly connect?: string;
  readonly errorType?: number;
}

/** The document whose error table is the reference (see its "Errors" section). */
const ERROR_DOC = join(ROOT, 'docs', 'rest-api.md');

/** The rows of the documented error table: from its header to the first line outside it. */
const documentedRows = async (): Promise<DocumentedRow[]> => {
  const doc = await readFile(ERROR_DOC, 'utf8');
  const lines = doc.slice(doc.indexOf('| status | code')).split('\n');
  const end = lines.findIndex((line) => !line.startsWith('|'));
  return lines
    .slice(2, end === -1 ? undefined : end)
    .filter((line) => /^\| \d{3} /.test(line))
    .map((line) => {
      const [status, code, connect, errorType] = line
        .split('|')
        .slice(1, 5)
        .map((cell) => cell.trim().replace(/`/g, ''));
      return {
        status: Number(status),
        code: code!,
        ...(connect !== '—' && { connect }),
        ...(errorType !== '—' && { errorType: Number(/\((\d+)\)/.exec(errorType!)?.[1]) }),
      };
    });
};

/** `InvalidArgument` → `INVALID_ARGUMENT` (gRPC's spelling) and `invalid_argument` (Connect JSON's). */
const grpcName = (code: Code): string =>
  Code[code].replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

/** The Code that the error table names `INVALID_ARGUMENT` etc. */
const codeNamed = (name: string): Code => {
  const code = (Object.values(Code).filter((value) => typeof value === 'number') as Code[]).find(
    (candidate) => grpcName(candidate) === name,
  );
  if (code === undefined)
    throw new Error(`docs/rest-api.md names an unknown Connect code "${name}"`);
  return code;
};

/** The Connect protocol's HTTP status for each code (connectrpc.com/docs/protocol, error codes). */
const CONNECT_HTTP_STATUS: Partial<Record<Code, number>> = {
  [Code.InvalidArgument]: 400,
  [Code.PermissionDenied]: 403,
  [Code.Unauthenticated]: 401,
  [Code.NotFound]: 404,
  [Code.FailedPrecondition]: 400,
  [Code.ResourceExhausted]: 429,
  [Code.Unavailable]: 503,
  [Code.Internal]: 500,
};

describe('the documented error table (docs/rest-api.md) is the error table', () => {
  it('documents every domain error code with its status, Connect code and error_type, and nothing else', async () => {
    const rows = await documentedRows();
    const domainRows = rows.filter((row) => row.code !== 'method_not_allowed');
    expect(domainRows.map((row) => row.code).sort()).toEqual([...DRAFT_ERROR_CODES].sort());
    for (const row of domainRows) {
      const wire = ERROR_TABLE[row.code as DraftErrorCode];
      expect(row).toEqual({
        code: row.code,
        status: wire.httpStatus,
        connect: grpcName(wire.connectCode),
        errorType: wire.errorType,
      });
    }
    // The one row outside the domain: the local HTTP server's own 405.
    expect(rows.find((row) => row.code === 'method_not_allowed')).toEqual({
      status: 405,
      code: 'method_not_allowed',
    });
  });
});

describe('every row in every wire format, over real HTTP', () => {
  let server: LocalHttpServer;
  let rows: DocumentedRow[];

  // A domain whose confirm fails with the code named by the object name: every surface
  // then shows how it carries that code, through the real handlers and server.
  const failing = {
    confirm: async (_caller: unknown, request: { objectName: string }) => {
      throw new DraftError(request.objectName as DraftErrorCode, `failure "${request.objectName}"`);
    },
  } as unknown as DraftService;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    rows = (await documentedRows()).filter((row) => row.connect !== undefined);
    server = await startLocalHttpServer({
      host: '127.0.0.1',
      port: 0,
      resolve: () => ({ drafts: failing, limits: NO_LIMITS }) as unknown as Services,
      emulateJwtAuthorizer: false,
      connectHandler: createLocalConnectHandler({
        resolve: () => ({ drafts: failing }) as unknown as RpcServices,
        emulateJwtAuthorizer: false,
      }),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const postJson = async (path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as unknown };
  };

  it.each(DRAFT_ERROR_CODES)('REST /api/v1/confirm-upload: %s', async (code) => {
    const row = rows.find((candidate) => candidate.code === code)!;
    expect(await postJson('/api/v1/confirm-upload', { object_name: code })).toEqual({
      status: row.status,
      json: {
        error: {
          code,
          message: `failure "${code}"`,
        },
      },
    });
  });

  it.each(DRAFT_ERROR_CODES)('original route /api/v1/draft/confirm: %s', async (code) => {
    const row = rows.find((candidate) => candidate.code === code)!;
    expect(await postJson('/api/v1/draft/confirm', { object_name: code })).toEqual({
      status: row.status,
      json: {
        result: {
          error_message: `failure "${code}"`,
          error_type: row.errorType,
        },
      },
    });
  });

  it.each(DRAFT_ERROR_CODES)('Connect JSON ConfirmUpload: %s', async (code) => {
    const row = rows.find((candidate) => candidate.code === code)!;
    const connect = codeNamed(row.connect!);
    const response = await postJson('/draft.v1.DraftService/ConfirmUpload', { objectName: code });
    expect(response.status).toBe(CONNECT_HTTP_STATUS[connect]);
    const body = response.json as {
      code: string;
      message: string;
      details: { type: string; value: string }[];
    };
    expect(body.code).toBe(row.connect!.toLowerCase());
    expect(body.message).toBe(`failure "${code}"`);
    const detail = body.details.find((entry) => entry.type === ResultSchema.typeName);
    const result = fromBinary(ResultSchema, Buffer.from(detail!.value, 'base64'));
    expect({ success: result.success, errorType: result.errorType }).toEqual({
      success: false,
      errorType: row.errorType,
    });
  });

  it.each(DRAFT_ERROR_CODES)('gRPC-web ConfirmUpload: %s', async (code) => {
    const row = rows.find((candidate) => candidate.code === code)!;
    const message = toBinary(
      ConfirmUploadRequestSchema,
      create(ConfirmUploadRequestSchema, { objectName: code }),
    );
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, 5);
    const response = await fetch(`${server.url}/draft.v1.DraftService/ConfirmUpload`, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1' },
      body: frame,
    });
    expect(response.status).toBe(200);
    // The status travels in the headers (trailers-only) or in the trailer frame.
    const body = Buffer.from(await response.arrayBuffer());
    const trailer =
      body.length > 5 && (body[0]! & 0x80) !== 0 ? body.subarray(5).toString('utf8') : '';
    const status =
      response.headers.get('grpc-status') ?? /grpc-status:\s*(\d+)/i.exec(trailer)?.[1];
    const expected = codeNamed(row.connect!);
    expect(Number(status)).toBe(expected);
  });

  describe('what a refusal tells beyond its code', () => {
    // A domain whose confirm refuses content with a reason, or asks to come back later.
    const refusing = {
      confirm: async (_caller: unknown, request: { objectName: string }) => {
        if (request.objectName === 'pending') {
          throw new DraftError('scan_pending', 'Not scanned yet.', { retryAfterSeconds: 7 });
        }
        throw new DraftError('content_rejected', 'Not a PNG.', {
          reason: 'type_mismatch',
          detectedType: 'application/x-msdownload',
        });
      },
    } as unknown as DraftService;
    let refusingServer: LocalHttpServer;

    beforeAll(async () => {
      refusingServer = await startLocalHttpServer({
        host: '127.0.0.1',
        port: 0,
        resolve: () => ({ drafts: refusing, limits: NO_LIMITS }) as unknown as Services,
        emulateJwtAuthorizer: false,
        connectHandler: createLocalConnectHandler({
          resolve: () => ({ drafts: refusing }) as unknown as RpcServices,
          emulateJwtAuthorizer: false,
        }),
      });
    });
    afterAll(async () => {
      await refusingServer?.close();
    });

    const confirmOn = (path: string, body: unknown) =>
      fetch(`${refusingServer.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('REST: content_rejected carries reason and detected_type; scan_pending carries Retry-After', async () => {
      const rejected = await confirmOn('/api/v1/confirm-upload', { object_name: 'evil.png' });
      expect(rejected.status).toBe(422);
      expect(await rejected.json()).toEqual({
        error: {
          code: 'content_rejected',
          message: 'Not a PNG.',
          reason: 'type_mismatch',
          detected_type: 'application/x-msdownload',
        },
      });
      const pending = await confirmOn('/api/v1/confirm-upload', { object_name: 'pending' });
      expect(pending.status).toBe(409);
      expect(pending.headers.get('retry-after')).toBe('7');
      expect(((await pending.json()) as { error: { code: string } }).error.code).toBe(
        'scan_pending',
      );
    });

    it('original route: the original body, the reason in a header, Retry-After', async () => {
      const rejected = await confirmOn('/api/v1/draft/confirm', { object_name: 'evil.png' });
      expect(rejected.status).toBe(422);
      expect(await rejected.json()).toEqual({
        result: { error_message: 'Not a PNG.', error_type: ErrorTypeNumber.UNSPECIFIED },
      });
      expect(rejected.headers.get(REJECTION_REASON_HEADER)).toBe('type_mismatch');
      const pending = await confirmOn('/api/v1/draft/confirm', { object_name: 'pending' });
      expect(pending.status).toBe(409);
      expect(pending.headers.get('retry-after')).toBe('7');
    });

    it('Connect: the reason and Retry-After as error metadata (response headers)', async () => {
      const rejected = await confirmOn('/draft.v1.DraftService/ConfirmUpload', {
        objectName: 'evil.png',
      });
      expect(rejected.status).toBe(400);
      expect(rejected.headers.get(REJECTION_REASON_HEADER)).toBe('type_mismatch');
      expect(((await rejected.json()) as { code: string }).code).toBe('failed_precondition');
      const pending = await confirmOn('/draft.v1.DraftService/ConfirmUpload', {
        objectName: 'pending',
      });
      expect(pending.status).toBe(503);
      expect(pending.headers.get('retry-after')).toBe('7');
    });
  });

  it('keeps error_type numbers in step with draft.v1.ErrorType', () => {
    expect(new Set(rows.map((row) => row.errorType))).toEqual(
      new Set(Object.values(ERROR_TABLE).map((wire) => wire.errorType)),
    );
    expect(ErrorTypeNumber.INVALID_OBJECT_NAME).toBe(6);
  });
});

describe('each limit on both sides of its boundary', () => {
  let api: TestRuntime;
  const LIMIT = 1000;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime({ MAX_UPLOAD_BYTES: String(LIMIT), CLEANUP_INTERVAL: '0' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  /** A JSON body of exactly `bytes` bytes: the fields, then spaces (valid JSON whitespace). */
  const sized = (fields: object, bytes: number): string => {
    const json = JSON.stringify(fields);
    return `${json.slice(0, -1)}${' '.repeat(bytes - Buffer.byteLength(json))}}`;
  };
  const send = async (path: string, body: string) => {
    const response = await fetch(`${api.apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: response.status, json: (await response.json()) as any };
  };

  it('takes a REST body of exactly 64 KiB and refuses 64 KiB + 1 byte with 413 naming both sizes', async () => {
    const fields = { object_name: 'a.txt', content_length: 1 };
    const exact = sized(fields, 64 * 1024);
    expect(Buffer.byteLength(exact)).toBe(65_536);
    expect((await send('/api/v1/upload-url', exact)).status).toBe(200);
    expect(await send('/api/v1/upload-url', sized(fields, 64 * 1024 + 1))).toEqual({
      status: 413,
      json: {
        error: {
          code: 'payload_too_large',
          message: 'The request body is 65537 bytes; the limit is 65536 bytes.',
        },
      },
    });
  });

  it('holds the original route to the same 64 KiB', async () => {
    const fields = { object_name: 'a.txt', content_length: 1 };
    const exact = await send('/api/v1/draft/upload-url', sized(fields, 64 * 1024));
    expect(exact.status).toBe(200);
    expect(exact.json.result).toEqual({ success: true });
    const over = await send('/api/v1/draft/upload-url', sized(fields, 64 * 1024 + 1));
    expect(over.status).toBe(413);
    expect(JSON.stringify(over.json)).toContain(
      'The request body is 65537 bytes; the limit is 65536 bytes.',
    );
  });

  it('holds Connect JSON to 1 MiB (room for a 10,000-part CompleteMultipartUpload): exactly 1 MiB answers, one byte more is resource_exhausted', async () => {
    const fields = { objectName: 'a.txt', contentLength: '1' };
    const limit = MAX_RPC_REQUEST_BYTES;
    expect(limit).toBe(1024 * 1024);
    const exact = await send('/draft.v1.DraftService/GetUploadURL', sized(fields, limit));
    expect(exact.status).toBe(200);
    expect(exact.json.url).toEqual(expect.any(String));
    const over = await send('/draft.v1.DraftService/GetUploadURL', sized(fields, limit + 1));
    expect(over.status).toBe(429);
    expect(over.json.code).toBe('resource_exhausted');
    expect(over.json.message).toMatch(new RegExp(String(limit + 1)));
  });

  it('accepts a key of exactly 1024 bytes and refuses 1025 with invalid_object_name naming the room left', async () => {
    // anonymous/ is 10 bytes; 1014 bytes of name in segments the embedded store can hold.
    const segment = 'k'.repeat(200);
    const base = [segment, segment, segment, segment].join('/');
    const name = `${base}/${'t'.repeat(1014 - base.length - 1)}`;
    expect(Buffer.byteLength(`anonymous/${name}`)).toBe(1024);
    expect(
      (await send('/api/v1/upload-url', JSON.stringify({ object_name: name, content_length: 1 })))
        .status,
    ).toBe(200);
    expect(
      await send(
        '/api/v1/upload-url',
        JSON.stringify({ object_name: `${name}t`, content_length: 1 }),
      ),
    ).toEqual({
      status: 400,
      json: {
        error: {
          code: 'invalid_object_name',
          message: 'object_name is too long: at most 1014 UTF-8 bytes for this owner.',
        },
      },
    });
  });

  it('signs exactly MAX_UPLOAD_BYTES and refuses one byte more with 413 naming both', async () => {
    expect(
      (
        await send(
          '/api/v1/upload-url',
          JSON.stringify({ object_name: 'max.bin', content_length: LIMIT }),
        )
      ).status,
    ).toBe(200);
    expect(
      await send(
        '/api/v1/upload-url',
        JSON.stringify({ object_name: 'max.bin', content_length: LIMIT + 1 }),
      ),
    ).toEqual({
      status: 413,
      json: {
        error: {
          code: 'payload_too_large',
          message: `The object is ${LIMIT + 1} bytes; the limit is ${LIMIT} bytes.`,
        },
      },
    });
  });

  it('confirms a draft of exactly MAX_UPLOAD_BYTES and refuses one byte more at confirm', async () => {
    // The embedded store checks no signed length, so an oversize body reaches the draft
    // bucket here; confirm is the check that holds on every store.
    for (const [name, size] of [
      ['exact.bin', LIMIT],
      ['over.bin', LIMIT + 1],
    ] as const) {
      const ticket = await api.post('/api/v1/upload-url', {
        object_name: name,
        content_length: LIMIT,
      });
      const put = await fetch(ticket.json.upload_url, {
        method: 'PUT',
        body: Buffer.alloc(size, 'z'),
      });
      expect(put.status).toBe(200);
    }
    const exact = await api.post('/api/v1/confirm-upload', { object_name: 'exact.bin' });
    expect(exact.status).toBe(200);
    expect(exact.json.size).toBe(LIMIT);
    expect(await api.post('/api/v1/confirm-upload', { object_name: 'over.bin' })).toEqual({
      status: 413,
      json: {
        error: {
          code: 'payload_too_large',
          message: `The object is ${LIMIT + 1} bytes; the limit is ${LIMIT} bytes.`,
        },
      },
    });
  });

  it.each([
    ['upload-url', { object_name: 'a.txt', content_length: 1 }],
    ['upload-form', { object_name: 'a.txt' }],
    ['download-url', { object_name: 'a.txt' }],
    ['confirm-upload', { object_name: 'a.txt' }],
  ])(
    'refuses an unknown field on %s because of that field, in an otherwise valid body',
    async (route, valid) => {
      expect(await api.post(`/api/v1/${route}`, { ...valid, x: 1 })).toEqual({
        status: 400,
        json: { error: { code: 'invalid_request', message: 'unknown field "x"' } },
      });
    },
  );
});
