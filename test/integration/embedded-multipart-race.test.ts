import { request as httpRequest, type ClientRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { startEmbeddedS3, type EmbeddedS3 } from '../../local/embedded-s3.js';

const BUCKET = 'drafts';
const KEY = 'race/big.bin';

interface Answer {
  readonly status: number;
  readonly text: string;
}

const answerOf = (request: ClientRequest): Promise<Answer> =>
  new Promise((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
  });

describe('the embedded store: a complete and an abort of the same upload', () => {
  let root: string;
  let store: EmbeddedS3;
  let s3: S3Client;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'draftstore-race-'));
    store = await startEmbeddedS3({
      host: '127.0.0.1',
      port: 0,
      directory: root,
      buckets: [BUCKET],
      accessKey: 'race-access',
      secretKey: 'race-secret',
    });
    s3 = new S3Client({
      endpoint: `http://${store.endpoint}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'race-access', secretAccessKey: 'race-secret' },
    });
  });
  afterAll(async () => {
    s3.destroy();
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('answers the complete 404 NoSuchUpload when the abort lands while it is under way', async () => {
    // Prepare: an upload with one part, and its complete request sent up to the last byte.
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: KEY }),
    );
    const { ETag } = await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: KEY,
        UploadId,
        PartNumber: 1,
        Body: Buffer.from('only part'),
      }),
    );
    const body = Buffer.from(
      `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${ETag}</ETag></Part></CompleteMultipartUpload>`,
    );
    const [host, port] = store.endpoint.split(':') as [string, string];
    const path = `/${BUCKET}/${KEY}?uploadId=${UploadId}`;
    const complete = httpRequest({
      host,
      port,
      method: 'POST',
      path,
      headers: { 'content-type': 'application/xml', 'content-length': String(body.length) },
    });
    const completed = answerOf(complete);
    complete.write(body.subarray(0, -1));
    // Let the store take the complete's headers and start on it.
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Act: the abort runs to its end, then the complete's last byte arrives.
    const aborted = await answerOf(
      httpRequest({ host, port, method: 'DELETE', path }).end() as ClientRequest,
    );
    complete.end(body.subarray(-1));
    const answer = await completed;

    // Assess
    expect(aborted.status).toBe(204);
    expect({ status: answer.status, code: /<Code>(\w+)<\/Code>/.exec(answer.text)?.[1] }).toEqual({
      status: 404,
      code: 'NoSuchUpload',
    });
  });
});
