import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { loadConfig } from '../../../lambdas/config.js';
import { createS3Client } from '../../../lambdas/storage/s3-client.js';
import { copySource } from '../../../lambdas/storage/copy-source.js';
import { S3ObjectStore } from '../../../lambdas/storage/s3-object-store.js';
import { draftFailure, networkError, s3Error } from '../../helpers/s3-faults.js';

describe('S3ObjectStore error paths', () => {
  const s3 = mockClient(S3Client);
  const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }));

  beforeEach(() => s3.reset());

  it('reports a missing object as undefined on head (NoSuchKey and a bare 404)', async () => {
    s3.on(HeadObjectCommand)
      .rejectsOnce(s3Error('NoSuchKey', 404))
      .rejectsOnce(s3Error('NotFound', 404));
    await expect(store.head('b', 'k')).resolves.toBeUndefined();
    await expect(store.head('b', 'k')).resolves.toBeUndefined();
  });

  it('maps a failed copy precondition (412) to conflict', async () => {
    s3.on(CopyObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    const error = await draftFailure(
      store.copy({
        sourceBucket: 'd',
        sourceKey: 'k',
        sourceIfMatch: '"e"',
        targetBucket: 'm',
        targetKey: 'k',
        metadata: {},
      }),
    );
    expect(error.code).toBe('conflict');
  });

  it('maps SlowDown and 503s to storage_unavailable', async () => {
    s3.on(HeadObjectCommand)
      .rejectsOnce(s3Error('SlowDown', 503))
      .rejectsOnce(s3Error('ServiceUnavailable', 503));
    expect((await draftFailure(store.head('b', 'k'))).code).toBe('storage_unavailable');
    expect((await draftFailure(store.head('b', 'k'))).code).toBe('storage_unavailable');
  });

  it('maps a network reset to storage_unavailable', async () => {
    s3.on(HeadObjectCommand).rejects(networkError('ECONNRESET'));
    expect((await draftFailure(store.head('b', 'k'))).code).toBe('storage_unavailable');
  });

  it('maps a missing bucket to bucket_not_found', async () => {
    s3.on(CopyObjectCommand).rejects(s3Error('NoSuchBucket', 404));
    s3.on(HeadBucketCommand).rejects(s3Error('NotFound', 404));
    const copy = store.copy({
      sourceBucket: 'd',
      sourceKey: 'k',
      sourceIfMatch: 'e',
      targetBucket: 'm',
      targetKey: 'k',
      metadata: {},
    });
    expect((await draftFailure(copy)).code).toBe('bucket_not_found');
    expect((await draftFailure(store.checkBucket('m'))).code).toBe('bucket_not_found');
  });

  it('maps anything unrecognised to internal, keeping the original as the cause only', async () => {
    const original = s3Error('MalformedXML', 400);
    s3.on(HeadObjectCommand).rejects(original);
    const error = await draftFailure(store.head('b', 'k'));
    expect(error.code).toBe('internal');
    expect(error.cause).toBe(original);
    expect(error.message).not.toContain('secret-bucket-name');
  });

  it('retries a delete without If-Match on stores that do not implement conditional deletes', async () => {
    s3.on(DeleteObjectCommand, { IfMatch: '"e"' }).rejects(s3Error('NotImplemented', 501));
    s3.on(DeleteObjectCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"', ContentLength: 1 });
    await store.delete('b', 'k', { ifMatch: '"e"' });
    const sent = s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.IfMatch);
    expect(sent).toEqual(['"e"', undefined]);
  });

  it('keeps an object replaced since, when it has to check the ETag itself', async () => {
    const fresh = new S3ObjectStore(new S3Client({ region: 'us-east-1' }));
    s3.on(DeleteObjectCommand, { IfMatch: '"e"' }).rejects(s3Error('NotImplemented', 501));
    s3.on(HeadObjectCommand).resolves({ ETag: '"newer"', ContentLength: 1 });
    expect((await draftFailure(fresh.delete('b', 'k', { ifMatch: '"e"' }))).code).toBe('conflict');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });

  it('reports per-key DeleteObjects failures and the keys that did go', async () => {
    s3.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: 'b', Code: 'AccessDenied', Message: 'no' }],
    });
    const result = await store.deleteMany('bucket', [{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
    expect(result).toEqual({
      deleted: ['a', 'c'],
      errors: [{ key: 'b', code: 'AccessDenied', message: 'no' }],
    });
  });

  it('sends a copy with the encoded source, the ETag precondition and replaced metadata', async () => {
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"new"' } });
    await store.copy({
      sourceBucket: 'drafts',
      sourceKey: 'o/a b+#?%é.txt',
      sourceIfMatch: '"e"',
      targetBucket: 'main',
      targetKey: 'o/a b+#?%é.txt',
      contentType: 'text/plain',
      metadata: { x: '1' },
    });
    expect(s3.commandCalls(CopyObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'main',
      Key: 'o/a b+#?%é.txt',
      CopySource: 'drafts/o/a%20b%2B%23%3F%25%C3%A9.txt',
      CopySourceIfMatch: '"e"',
      MetadataDirective: 'REPLACE',
      ContentType: 'text/plain',
      Metadata: { x: '1' },
    });
  });

  it('reads the ETag of a copy that answered none from the copied object', async () => {
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: {} });
    s3.on(HeadObjectCommand, { Bucket: 'main', Key: 'k' }).resolves({ ETag: '"copied"' });
    const copied = await store.copy({
      sourceBucket: 'drafts',
      sourceKey: 'k',
      sourceIfMatch: '"copied"',
      targetBucket: 'main',
      targetKey: 'k',
      metadata: {},
    });
    expect(copied).toEqual({ etag: '"copied"' });
  });
});

describe('copySource', () => {
  it('encodes each segment and keeps the separators', () => {
    expect(copySource('b', 'a/b c/d+e')).toBe('b/a/b%20c/d%2Be');
  });
});

describe('S3ObjectStore.presignPut', () => {
  const config = loadConfig({
    STORAGE_TYPE: 'minio',
    MINIO_ENDPOINT: '127.0.0.1:9',
    BUCKET_NAME: 'main',
  });
  const store = new S3ObjectStore(createS3Client(config));

  it('signs content-type and content-length into the URL and lists them as required headers', async () => {
    const { url, headers } = await store.presignPut({
      bucket: 'main-draft',
      key: 'o/a.txt',
      expiresInSeconds: 60,
      contentType: 'text/plain',
      contentLength: 5,
    });
    const signed = new URL(url).searchParams.get('X-Amz-SignedHeaders')?.split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-type', 'content-length', 'host']));
    expect(headers).toEqual({ 'content-type': 'text/plain', 'content-length': '5' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:9\/main-draft\/o\/a\.txt\?/);
  });

  it('signs a Content-MD5 and a SHA-256 checksum as headers, not query parameters', async () => {
    const md5 = Buffer.alloc(16, 1).toString('base64');
    const sha = Buffer.alloc(32, 2).toString('base64');
    const { url, headers } = await store.presignPut({
      bucket: 'main-draft',
      key: 'o/a.txt',
      expiresInSeconds: 60,
      contentMd5: md5,
      checksumSha256: sha,
    });
    const params = new URL(url).searchParams;
    expect(params.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-md5', 'x-amz-checksum-sha256']),
    );
    expect(params.has('x-amz-checksum-sha256')).toBe(false);
    expect(headers).toEqual({ 'content-md5': md5, 'x-amz-checksum-sha256': sha });
  });

  it('adds no checksum of its own to a plain presigned PUT', async () => {
    const { url } = await store.presignPut({
      bucket: 'main-draft',
      key: 'o/a',
      expiresInSeconds: 60,
    });
    expect(url.toLowerCase()).not.toContain('checksum');
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
  });
});
