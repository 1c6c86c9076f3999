import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * P5's baseline: the least a server can do for POST /api/v1/upload-url. node:http, one
 * JSON.parse, one getSignedUrl with the client options DraftStore uses; no validation,
 * no auth, no logging. Prints `listening <url>`.
 */
const client = new S3Client({
  region: 'us-east-1',
  endpoint: process.env.BARE_S3_ENDPOINT ?? 'http://127.0.0.1:9',
  forcePathStyle: true,
  credentials: { accessKeyId: 'bench-access', secretAccessKey: 'bench-secret' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void (async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          object_name: string;
          content_type?: string;
        };
        const contentType = body.content_type ?? 'application/octet-stream';
        const url = await getSignedUrl(
          client,
          new PutObjectCommand({
            Bucket: 'draftstore-draft',
            Key: `anonymous/${body.object_name}`,
            ContentType: contentType,
          }),
          { expiresIn: 3600, signableHeaders: new Set(['content-type']) },
        );
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ url, method: 'PUT', headers: { 'content-type': contentType } }),
        );
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end('{"error":{"code":"invalid_request","message":"bad body"}}');
      }
    })();
  });
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
