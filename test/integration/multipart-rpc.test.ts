import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport } from '@connectrpc/connect-node';
import { jest } from '@jest/globals';
import { DraftService, ErrorType, ResultSchema } from '../../lambdas/gen/draft/v1/draft_pb.js';
import { logger } from '../../lambdas/observability/logger.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { bytes, putPart } from '../helpers/multipart.js';
import { sha256 } from '../helpers/uploads.js';

jest.setTimeout(60_000);

const MIB = 1024 ** 2;

/** The failure of a call, as a ConnectError; the test fails if the call succeeds. */
const failure = async (call: Promise<unknown>): Promise<ConnectError> => {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('the call succeeded');
};

describe('the multipart RPCs of draft.v1 on the local runtime', () => {
  let api: TestRuntime;
  let connect: Client<typeof DraftService>;
  let grpc: Client<typeof DraftService>;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime({ MAX_UPLOAD_BYTES: String(64 * MIB) });
    // Connect over HTTP/1.1 on the REST port, gRPC over HTTP/2 on GRPC_PORT.
    connect = createClient(
      DraftService,
      createConnectTransport({ baseUrl: api.apiUrl, httpVersion: '1.1' }),
    );
    grpc = createClient(
      DraftService,
      createGrpcTransport({
        baseUrl: api.grpcUrl,
        interceptors: [
          (next) => async (request) => {
            request.header.set('authorization', bearerFor('alice').authorization!);
            return next(request);
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await api.stop();
  });

  it('creates, signs, lists, completes over Connect and confirms: same bytes', async () => {
    const body = bytes(10 * MIB + 7);
    const name = 'rpc/movie.bin';

    const created = await connect.createMultipartUpload({
      objectName: name,
      contentLength: BigInt(body.length),
      contentType: 'video/mp4',
      partSize: BigInt(5 * MIB),
    });
    expect([created.partSize, created.partCount, created.objectName]).toEqual([
      BigInt(5 * MIB),
      3,
      name,
    ]);
    const reference = {
      objectName: name,
      uploadId: created.uploadId,
      uploadToken: created.uploadToken,
    };
    const signed = await connect.signUploadParts({ ...reference, partNumbers: [1, 2, 3] });
    const parts = [];
    for (const part of signed.parts) {
      const first = (part.partNumber - 1) * 5 * MIB;
      const put = await putPart(
        { part_number: part.partNumber, url: part.url, method: 'PUT', headers: part.headers },
        body.subarray(first, first + 5 * MIB),
      );
      expect(put.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: put.headers.get('etag') ?? '' });
    }
    const listed = await connect.listUploadParts(reference);
    const completed = await connect.completeMultipartUpload({ ...reference, parts });
    const confirmed = await connect.confirmUpload({ objectName: name });
    const download = await connect.getDownloadURL({ objectName: name, stage: 2 });
    const stored = Buffer.from(await (await fetch(download.url)).arrayBuffer());

    expect(listed.parts.map((part) => [part.partNumber, part.size])).toEqual([
      [1, BigInt(5 * MIB)],
      [2, BigInt(5 * MIB)],
      [3, BigInt(7)],
    ]);
    expect([completed.objectName, completed.size]).toEqual([name, BigInt(body.length)]);
    expect([confirmed.size, confirmed.contentType]).toEqual([BigInt(body.length), 'video/mp4']);
    expect(sha256(stored)).toBe(sha256(body));
  });

  it('aborts over gRPC, idempotently; another owner gets NOT_FOUND and changes nothing', async () => {
    const created = await grpc.createMultipartUpload({
      objectName: 'rpc/dropped.bin',
      contentLength: BigInt(6 * MIB),
    });
    const reference = {
      objectName: 'rpc/dropped.bin',
      uploadId: created.uploadId,
      uploadToken: created.uploadToken,
    };

    // `connect` is anonymous: the token names alice's key.
    const stranger = await failure(connect.abortMultipartUpload(reference));
    const stillThere = await grpc.listUploadParts(reference);
    const first = await grpc.abortMultipartUpload(reference);
    const again = await grpc.abortMultipartUpload(reference);
    const gone = await failure(grpc.listUploadParts(reference));

    expect(stranger.code).toBe(Code.NotFound);
    expect(stranger.rawMessage).toMatch(/upload_token names another/);
    expect(stillThere.parts).toEqual([]);
    expect([first.aborted, again.aborted]).toEqual([true, true]);
    expect(gone.code).toBe(Code.NotFound);
    expect(gone.rawMessage).toMatch(/completed, aborted or expired/);
  });

  it('maps client mistakes to Connect codes with a draft.v1 Result', async () => {
    const created = await connect.createMultipartUpload({
      objectName: 'rpc/small.bin',
      contentLength: BigInt(6 * MIB),
    });
    const reference = {
      objectName: 'rpc/small.bin',
      uploadId: created.uploadId,
      uploadToken: created.uploadToken,
    };

    const outside = await failure(connect.signUploadParts({ ...reference, partNumbers: [2] }));
    const tampered = await failure(
      connect.listUploadParts({ ...reference, uploadToken: `x${created.uploadToken}` }),
    );
    const tooBig = await failure(
      connect.createMultipartUpload({
        objectName: 'rpc/huge.bin',
        contentLength: BigInt(65 * MIB),
      }),
    );
    const empty = await failure(
      connect.createMultipartUpload({ objectName: 'rpc/empty.bin', contentLength: 0n }),
    );

    expect([outside.code, outside.rawMessage]).toEqual([
      Code.InvalidArgument,
      "part_numbers: 2 is outside this upload's parts 1..1.",
    ]);
    expect(tampered.code).toBe(Code.PermissionDenied);
    expect(tampered.findDetails(ResultSchema)[0]?.errorType).toBe(ErrorType.ACCESS_DENIED);
    expect(tooBig.code).toBe(Code.ResourceExhausted);
    expect([empty.code, empty.rawMessage]).toEqual([
      Code.InvalidArgument,
      'content_length: must be at least 1',
    ]);
  });
});
