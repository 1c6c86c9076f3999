import { request as httpRequest, type ClientRequest } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startEmbeddedS3, type EmbeddedS3 } from '../../local/embedded-s3.js';
import { sha256 } from '../helpers/uploads.js';

const BUCKET = 'drafts';
const PART = 1024 * 1024;

/** The files of an upload's folder, or undefined once the upload is gone. */
const filesOf = (folder: string): Promise<string[] | undefined> =>
  readdir(folder).catch(() => undefined);

/** Polls the upload's folder until `done` holds for its files (the store works asynchronously). */
const until = async (
  folder: string,
  done: (files: string[] | undefined) => boolean,
): Promise<string[] | undefined> => {
  for (;;) {
    const files = await filesOf(folder);
    if (done(files)) return files;
    await new Promise((wake) => setTimeout(wake, 20));
  }
};

const isTemporary = (name: string) => name.includes('._S3rver_w');

/**
 * A part PUT cut off mid-body (a client that lost its connection) must leave nothing a
 * listing, a complete or a sweep could take for a part: S3 lists only completed parts.
 */
describe('the embedded store: a part cut off mid-body', () => {
  let root: string;
  let store: EmbeddedS3;
  let s3: S3Client;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'draftstore-cut-'));
    store = await startEmbeddedS3({
      host: '127.0.0.1',
      port: 0,
      directory: root,
      buckets: [BUCKET],
      accessKey: 'cut-access',
      secretKey: 'cut-secret',
    });
    s3 = new S3Client({
      endpoint: `http://${store.endpoint}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'cut-access', secretAccessKey: 'cut-secret' },
    });
  });
  afterAll(async () => {
    s3.destroy();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  /**
   * Starts a PUT of part `partNumber` announcing PART bytes, sends half of them, and waits
   * until the store has begun writing them: the request is left hanging mid-body.
   */
  const startCutPart = async (key: string, uploadId: string, partNumber: number) => {
    const [host, port] = store.endpoint.split(':') as [string, string];
    const put = httpRequest({
      host,
      port,
      method: 'PUT',
      path: `/${BUCKET}/${encodeURIComponent(key)}?partNumber=${partNumber}&uploadId=${uploadId}`,
      headers: { 'content-length': String(PART) },
    });
    put.on('error', () => undefined);
    put.write(Buffer.alloc(PART / 2, 7));
    const folder = join(root, BUCKET, '._S3rver_uploads', uploadId);
    await until(folder, (files) => files?.some(isTemporary) === true);
    return { put, folder };
  };

  const upload = async (key: string) => {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }),
    );
    return UploadId!;
  };

  const partOf = async (key: string, uploadId: string, partNumber: number, body: Buffer) => {
    const { ETag } = await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
      }),
    );
    return { PartNumber: partNumber, ETag: ETag! };
  };

  const listed = async (key: string, uploadId: string) =>
    (
      (await s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId })))
        .Parts ?? []
    ).map((part) => ({ PartNumber: part.PartNumber, ETag: part.ETag, Size: part.Size }));

  const read = async (key: string) => {
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  };

  it('is never listed, and completing with the listed parts works', async () => {
    // Prepare: part 2 whole, part 1 cut off after half of its bytes.
    const key = 'cut/listed.bin';
    const uploadId = await upload(key);
    const last = Buffer.from('the last part');
    const whole = await partOf(key, uploadId, 2, last);
    const { put, folder } = await startCutPart(key, uploadId, 1);
    // Listed while the cut part is still arriving: only the whole one.
    expect(await listed(key, uploadId)).toEqual([{ ...whole, Size: last.length }]);

    // Act: the connection drops.
    put.destroy();
    const files = await until(folder, (names) => names?.some(isTemporary) === false);

    // Assess: nothing of part 1 is left, and the listed parts complete.
    expect(files?.sort()).toEqual(['2', '2.md5', 'key', 'metadata']);
    const parts = await listed(key, uploadId);
    expect(parts).toEqual([{ ...whole, Size: last.length }]);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
      }),
    );
    expect(sha256(await read(key))).toBe(sha256(last));
  });

  it('is replaced by a re-upload of the part, and the upload completes with its bytes', async () => {
    // Prepare
    const key = 'cut/again.bin';
    const uploadId = await upload(key);
    const { put, folder } = await startCutPart(key, uploadId, 1);
    put.destroy();
    await until(folder, (names) => names?.some(isTemporary) === false);

    // Act
    const first = Buffer.alloc(5 * PART, 1);
    const second = Buffer.from('tail');
    const parts = [await partOf(key, uploadId, 1, first), await partOf(key, uploadId, 2, second)];
    expect(await listed(key, uploadId)).toEqual([
      { ...parts[0], Size: first.length },
      { ...parts[1], Size: second.length },
    ]);
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );

    // Assess
    expect(sha256(await read(key))).toBe(sha256(Buffer.concat([first, second])));
    expect(await filesOf(folder)).toBeUndefined();
  });

  it('is removed by an abort while it is still arriving, and revives nothing when it drops', async () => {
    // Prepare
    const key = 'cut/aborted.bin';
    const uploadId = await upload(key);
    const { put, folder } = await startCutPart(key, uploadId, 1);

    // Act: abort with the part's temporary file in the folder, then the part's connection drops.
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }),
    );
    const gone = await filesOf(folder);
    put.destroy();
    const answer = await new Promise<number | 'dropped'>((settle) => {
      (put as ClientRequest).on('response', (response) => settle(response.statusCode ?? 0));
      put.on('close', () => settle('dropped'));
    });

    // Assess
    expect(gone).toBeUndefined();
    expect(answer).toBe('dropped');
    expect(await filesOf(folder)).toBeUndefined();
    await expect(listed(key, uploadId)).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });
});
