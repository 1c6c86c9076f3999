import type { StoreAnchorEvent, StoreStep } from './bare-store-handler.js';

/**
 * P2's fair anchors: for each function whose first invoke reaches the store, the S3 (and
 * Secrets Manager) requests it makes, as steps for the plain-client anchor bundle
 * (bench/bare-store-handler.ts). The bench checks each recipe against what the function
 * really sent (a counting proxy), so a recipe cannot drift from the code it stands for.
 */
export interface AnchorContext {
  readonly draftBucket: string;
  readonly mainBucket: string;
  readonly secretArn: string;
}

type Body = Record<string, unknown>;
type Recipe = (body: Body, context: AnchorContext) => StoreAnchorEvent;

const keyOf = (body: Body) => `anonymous/${String(body.object_name)}`;
const head = (bucket: string, body: Body): StoreStep => ({
  op: 'HeadObject',
  input: { Bucket: bucket, Key: keyOf(body) },
});

// Confirm with content sniffing (CONTENT_SNIFFING=strict, the default) reads the draft's
// first bytes with one ranged GET between its HEAD and the copy.
const confirm: Recipe = (body, { draftBucket, mainBucket }) => ({
  groups: [
    [head(draftBucket, body)],
    [{ op: 'GetObject', input: { Bucket: draftBucket, Key: keyOf(body), Range: 'bytes=0-4095' } }],
    [
      {
        op: 'CopyObject',
        input: {
          Bucket: mainBucket,
          Key: keyOf(body),
          CopySource: `${draftBucket}/${keyOf(body)}`,
        },
      },
    ],
    [{ op: 'DeleteObject', input: { Bucket: draftBucket, Key: keyOf(body) } }],
  ],
});
// A draft's download-url reads its tags after the HEAD: with confirm's checks on (the
// default), a draft confirm refused is never signed.
const downloadUrl: Recipe = (body, { draftBucket }) => ({
  groups: [
    [head(draftBucket, body)],
    [{ op: 'GetObjectTagging', input: { Bucket: draftBucket, Key: keyOf(body) } }],
  ],
  presign: { method: 'GET', bucket: draftBucket, key: keyOf(body) },
});
const bothBuckets: Recipe = (_body, { draftBucket, mainBucket }) => ({
  groups: [
    [
      { op: 'HeadBucket', input: { Bucket: draftBucket } },
      { op: 'HeadBucket', input: { Bucket: mainBucket } },
    ],
  ],
});
const upload = (body: Body, draftBucket: string) => ({
  Bucket: draftBucket,
  Key: keyOf(body),
  UploadId: body.upload_id,
});

/** By route key, or `schedule` for the sweep. A function with no recipe and no request keeps the bare presign anchor. */
export const STORE_ANCHORS: Readonly<Record<string, Recipe>> = {
  'POST /api/v1/download-url': downloadUrl,
  'POST /api/v1/draft/download-url': downloadUrl,
  'POST /api/v1/confirm-upload': confirm,
  'POST /api/v1/draft/confirm': confirm,
  'POST /api/v1/object-info': (body, { draftBucket }) => ({ groups: [[head(draftBucket, body)]] }),
  'POST /api/v1/list-objects': (_body, { draftBucket }) => ({
    groups: [
      [{ op: 'ListObjectsV2', input: { Bucket: draftBucket, Prefix: 'anonymous/', MaxKeys: 10 } }],
    ],
  }),
  'POST /api/v1/delete-object': (body, { draftBucket }) => ({
    groups: [[{ op: 'DeleteObject', input: { Bucket: draftBucket, Key: keyOf(body) } }]],
  }),
  'GET /health': bothBuckets,
  'POST /api/v1/draft/bucket': bothBuckets,
  'POST /api/v1/multipart/create': (body, { draftBucket, secretArn }) => ({
    secretArn,
    secretWithFirstGroup: true,
    groups: [[{ op: 'CreateMultipartUpload', input: { Bucket: draftBucket, Key: keyOf(body) } }]],
  }),
  'POST /api/v1/multipart/sign-parts': (body, { draftBucket, secretArn }) => ({
    secretArn,
    groups: [],
    presign: { method: 'PUT', bucket: draftBucket, key: keyOf(body) },
  }),
  'POST /api/v1/multipart/list-parts': (body, { draftBucket, secretArn }) => ({
    secretArn,
    groups: [[{ op: 'ListParts', input: { ...upload(body, draftBucket), MaxParts: 1000 } }]],
  }),
  'POST /api/v1/multipart/complete': (body, { draftBucket, secretArn }) => ({
    secretArn,
    groups: [
      [
        {
          op: 'CompleteMultipartUpload',
          input: {
            ...upload(body, draftBucket),
            MultipartUpload: {
              Parts: (body.parts as { part_number: number; etag: string }[]).map((part) => ({
                PartNumber: part.part_number,
                ETag: part.etag,
              })),
            },
          },
        },
      ],
      [head(draftBucket, body)],
    ],
  }),
  'POST /api/v1/multipart/abort': (body, { draftBucket, secretArn }) => ({
    secretArn,
    groups: [
      [{ op: 'AbortMultipartUpload', input: upload(body, draftBucket) }],
      [head(draftBucket, body)],
    ],
  }),
  schedule: (_body, { draftBucket, mainBucket }) => ({
    groups: [
      [
        { op: 'ListMultipartUploads', input: { Bucket: mainBucket, MaxUploads: 1000 } },
        { op: 'ListObjectsV2', input: { Bucket: draftBucket, MaxKeys: 1000 } },
        { op: 'ListMultipartUploads', input: { Bucket: draftBucket, MaxUploads: 1000 } },
      ],
    ],
  }),
};

/** `METHOD /bucket/` with the path's key replaced, so a recipe and a function compare by shape. */
export const requestShape = (line: string): string => {
  const [method, target] = line.split(' ') as [string, string];
  const [path] = target.split('?') as [string];
  const bucket = path.split('/')[1];
  return `${method} /${bucket}/${path.split('/').length > 2 && path.split('/')[2] !== '' ? '<key>' : ''}`;
};
