import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import fc from 'fast-check';
import { S3PutPresigner } from '../../lambdas/storage/s3-put-presigner.js';
import { fuzzSettings } from './arbitraries.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' };
const common = {
  credentials,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
} as const;

/** The store shapes DraftStore signs for: AWS (virtual-host and path style), S3-compatible on loopback. */
const CLIENTS = {
  'AWS us-east-1': new S3Client({ ...common, region: 'us-east-1' }),
  'AWS eu-central-1': new S3Client({ ...common, region: 'eu-central-1' }),
  'AWS cn-north-1': new S3Client({ ...common, region: 'cn-north-1' }),
  'S3-compatible, path style': new S3Client({
    ...common,
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:7480',
    forcePathStyle: true,
  }),
};

interface Put {
  bucket: string;
  key: string;
  contentType?: string;
  contentLength?: number;
  contentMd5?: string;
  checksumSha256?: string;
  metadata?: Record<string, string>;
}

/** Exactly what S3ObjectStore.presignPut asked getSignedUrl for before the fast path. */
const viaGetSignedUrl = (client: S3Client, put: Put, headers: Record<string, string>, date: Date) =>
  getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: put.bucket,
      Key: put.key,
      ContentType: put.contentType,
      ContentLength: put.contentLength,
      ContentMD5: put.contentMd5,
      ChecksumSHA256: put.checksumSha256,
      Metadata: put.metadata,
    }),
    {
      expiresIn: 900,
      signingDate: date,
      signableHeaders: new Set(Object.keys(headers)),
      unhoistableHeaders: new Set([
        'x-amz-checksum-sha256',
        ...Object.keys(put.metadata ?? {}).map((name) => `x-amz-meta-${name}`),
      ]),
    },
  );

const headersOf = (put: Put): Record<string, string> => ({
  ...(put.contentType !== undefined && { 'content-type': put.contentType }),
  ...(put.contentLength !== undefined && { 'content-length': String(put.contentLength) }),
  ...(put.contentMd5 !== undefined && { 'content-md5': put.contentMd5 }),
  ...(put.checksumSha256 !== undefined && { 'x-amz-checksum-sha256': put.checksumSha256 }),
  ...Object.fromEntries(
    Object.entries(put.metadata ?? {}).map(([name, value]) => [`x-amz-meta-${name}`, value]),
  ),
});

const segment = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.constantFrom('.', '..', 'a b', 'a+b', '%41', '~x', "it's", '(1)', '*', '!', '#?&=', 'ü'),
);
const put = fc.record(
  {
    bucket: fc.constantFrom('draftstore-draft', 'main.with.dots', 'b-1'),
    key: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')),
    contentType: fc.constantFrom('text/plain', 'image/png', 'application/octet-stream'),
    contentLength: fc.nat({ max: 5 * 1024 ** 3 }),
    contentMd5: fc.base64String({ minLength: 24, maxLength: 24 }),
    checksumSha256: fc.base64String({ minLength: 44, maxLength: 44 }),
    metadata: fc.dictionary(
      fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
      fc
        .string({ unit: 'binary-ascii', maxLength: 16 })
        .filter((value) => /^[ -~]*$/.test(value.trim()) && value === value.trim()),
      { maxKeys: 3 },
    ),
  },
  { requiredKeys: ['bucket', 'key'] },
);

describe('S3PutPresigner (the upload-url fast path)', () => {
  const { seed, runs } = fuzzSettings(400);

  it.each(Object.entries(CLIENTS))(
    'signs the very URL getSignedUrl signs, for any key and headers (%s)',
    async (_store, client) => {
      const presigner = new S3PutPresigner(client);
      const date = new Date('2026-12-02T12:00:00Z');
      await fc.assert(
        fc.asyncProperty(put, async (input) => {
          const headers = headersOf(input);
          const fast = await presigner.presign({
            bucket: input.bucket,
            key: input.key,
            expiresInSeconds: 900,
            headers,
            unhoistable: [
              'x-amz-checksum-sha256',
              ...Object.keys(input.metadata ?? {}).map((name) => `x-amz-meta-${name}`),
            ],
            signingDate: date,
          });
          expect(fast).toBe(await viaGetSignedUrl(client, input, headers, date));
        }),
        { seed, numRuns: runs },
      );
    },
  );
});
