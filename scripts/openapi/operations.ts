import type * as z from 'zod/mini';
import {
  compatDownloadRequest,
  compatObjectRequest,
  compatResultResponse,
  compatUploadRequest,
  compatUploadUrlResponse,
  compatUrlResponse,
  confirmRequest,
  deleteObjectRequest,
  deleteObjectResponse,
  confirmResponse,
  downloadUrlRequest,
  downloadUrlResponse,
  healthResponse,
  multipartAbortRequest,
  multipartAbortResponse,
  multipartCompleteRequest,
  multipartCompleteResponse,
  multipartCreateRequest,
  multipartCreateResponse,
  multipartListPartsRequest,
  multipartListPartsResponse,
  multipartSignPartsRequest,
  multipartSignPartsResponse,
  listObjectsRequest,
  listObjectsResponse,
  objectInfoRequest,
  objectInfoResponse,
  uploadFormRequest,
  uploadFormResponse,
  uploadUrlRequest,
  uploadUrlResponse,
} from '../../lambdas/contract/index.js';
import type { DraftErrorCode } from '../../lambdas/core/errors.js';
import type { RouteSpec } from '../../lambdas/http/route-table.js';

/** A JSON body (request or answer): its contract schema, the name it gets in components, an example. */
export interface Body {
  readonly name: string;
  readonly schema: z.ZodMiniType;
  readonly example: unknown;
}

/**
 * The OpenAPI view of one route. The path and method come from lambdas/http/route-table.ts;
 * the shapes from lambdas/contract; statuses of errors from lambdas/error-table.ts.
 */
export interface OperationSpec {
  readonly summary: string;
  readonly description: string;
  readonly tag: 'Uploads' | 'Objects' | 'Service' | 'Original DraftStore API';
  /** `rest`: errors are `{error: {code, message}}`; `compat`: `{result: {error_message, error_type}}`. */
  readonly errorShape: 'rest' | 'compat';
  /** The JSON body, for routes that read one (jsonRoute); absent for routes without a body. */
  readonly request?: Body;
  readonly response: Body;
  /**
   * The domain errors this route itself can answer with. Those every route can answer with
   * (malformed or oversized body, unauthenticated, storage down, internal) are added by the
   * generator; a route without a request body gets no body errors.
   */
  readonly errors: readonly DraftErrorCode[];
  /** Answers without a token even where the deployment requires one. */
  readonly public?: true;
  /** Another status that answers with the success shape (health's 503). */
  readonly alsoAnswers?: {
    readonly status: number;
    readonly description: string;
    readonly example: unknown;
  };
}

const EXPIRES = '2026-12-02T15:00:00.000Z';
const SIGNED = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&X-Amz-Signature=…';
const DRAFT_URL = 'https://draft-bucket.s3.eu-west-1.amazonaws.com/alice/docs/report.pdf';

/**
 * Every REST route's row. A new route (object-info, list-objects, delete-object,
 * multipart/*) needs exactly one row here after its row in route-table.ts: the Record type
 * makes `npm run lint` fail until it exists, and `npm run openapi` then regenerates
 * docs/openapi.json (which `npm run openapi:check` and the unit test keep in step).
 * Export the route's request and answer schemas from lambdas/contract and name them here;
 * list the domain errors it can raise in `errors`.
 */
export const OPERATIONS: Readonly<Record<RouteSpec['entry'], OperationSpec>> = {
  'upload-url': {
    summary: 'Presign a PUT upload into the draft stage',
    description:
      'Answers a presigned PUT URL for `<owner>/<object_name>` in the draft bucket. Every header in `headers` is signed: send exactly those. `content_type`, `content_length` and the digests, when given, are signed too, so the store refuses a body that does not match them.',
    tag: 'Uploads',
    errorShape: 'rest',
    request: {
      name: 'UploadUrlRequest',
      schema: uploadUrlRequest,
      example: {
        object_name: 'docs/report.pdf',
        content_type: 'application/pdf',
        content_length: 52_431,
      },
    },
    response: {
      name: 'UploadUrlResponse',
      schema: uploadUrlResponse,
      example: {
        upload_url: `${DRAFT_URL}?${SIGNED}`,
        method: 'PUT',
        headers: { 'content-type': 'application/pdf', 'content-length': '52431' },
        object_name: 'docs/report.pdf',
        expires_at: EXPIRES,
      },
    },
    errors: ['invalid_object_name', 'payload_too_large', 'unsupported_media_type'],
  },
  'upload-form': {
    summary: 'Presign an HTML form (POST) upload into the draft stage',
    description:
      'Answers a presigned POST policy: submit `fields` plus a `file` field as multipart/form-data to `url`. The store enforces the key, the Content-Type, the size range and the expiry.',
    tag: 'Uploads',
    errorShape: 'rest',
    request: {
      name: 'UploadFormRequest',
      schema: uploadFormRequest,
      example: { object_name: 'photos/cat.png', content_type: 'image/png' },
    },
    response: {
      name: 'UploadFormResponse',
      schema: uploadFormResponse,
      example: {
        url: 'https://draft-bucket.s3.eu-west-1.amazonaws.com/',
        method: 'POST',
        fields: {
          key: 'alice/photos/cat.png',
          'Content-Type': 'image/png',
          Policy: 'eyJleHBpcmF0aW9uIjoi…',
          'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
          'X-Amz-Credential': '…',
          'X-Amz-Date': '20261202T140000Z',
          'X-Amz-Signature': '…',
        },
        object_name: 'photos/cat.png',
        content_type: 'image/png',
        content_length_range: [1, 5_368_709_120],
        expires_at: EXPIRES,
      },
    },
    errors: ['invalid_object_name', 'unsupported_media_type'],
  },
  'download-url': {
    summary: 'Presign a download of a draft or a confirmed object',
    description:
      "`stage` is `draft` (the default: preview before confirming) or `main` (a confirmed object). Another owner's objects answer 404.",
    tag: 'Objects',
    errorShape: 'rest',
    request: {
      name: 'DownloadUrlRequest',
      schema: downloadUrlRequest,
      example: { object_name: 'docs/report.pdf', stage: 'main' },
    },
    response: {
      name: 'DownloadUrlResponse',
      schema: downloadUrlResponse,
      example: {
        download_url: `${DRAFT_URL.replace('draft-bucket', 'main-bucket')}?${SIGNED}`,
        object_name: 'docs/report.pdf',
        stage: 'main',
        expires_at: EXPIRES,
      },
    },
    errors: ['invalid_object_name', 'not_found', 'content_rejected'],
  },
  'confirm-upload': {
    summary: 'Confirm a draft: move it into the main stage',
    description:
      "Copies the draft into the versioned main bucket (checked against the draft's ETag) and deletes the draft. Safe to retry: a repeated confirm answers the same. 409 when the draft was replaced during the copy.",
    tag: 'Uploads',
    errorShape: 'rest',
    request: {
      name: 'ConfirmRequest',
      schema: confirmRequest,
      example: { object_name: 'docs/report.pdf' },
    },
    response: {
      name: 'ConfirmResponse',
      schema: confirmResponse,
      example: {
        success: true,
        object_name: 'docs/report.pdf',
        final_location: 'main-bucket/alice/docs/report.pdf',
        size: 52_431,
        content_type: 'application/pdf',
        etag: '9b2cf535f27731c974343645a3985328',
      },
    },
    errors: [
      'invalid_object_name',
      'not_found',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'content_rejected',
      'scan_pending',
      'scanner_unavailable',
    ],
  },
  'object-info': {
    summary: "Describe one of the caller's objects",
    description:
      "Size, type, ETag, time and the client's own metadata of a draft or a confirmed object (`stage` defaults to `main`). Another owner's objects answer 404.",
    tag: 'Objects',
    errorShape: 'rest',
    request: {
      name: 'ObjectInfoRequest',
      schema: objectInfoRequest,
      example: { object_name: 'docs/report.pdf', stage: 'main' },
    },
    response: {
      name: 'ObjectInfoResponse',
      schema: objectInfoResponse,
      example: {
        object_name: 'docs/report.pdf',
        stage: 'main',
        size: 52_431,
        content_type: 'application/pdf',
        etag: '"9b2cf535f27731c974343645a3985328"',
        last_modified: EXPIRES,
        metadata: { project: 'apollo' },
      },
    },
    errors: ['invalid_object_name', 'not_found'],
  },
  'list-objects': {
    summary: "List the caller's objects, a page at a time",
    description:
      'Names are the caller\'s own, without the owner segment. With `delimiter: "/"` names roll up into `prefixes` (folders). Pass `next_cursor` back as `cursor` for the next page; a cursor only continues the listing it came from.',
    tag: 'Objects',
    errorShape: 'rest',
    request: {
      name: 'ListObjectsRequest',
      schema: listObjectsRequest,
      example: { stage: 'main', prefix: 'docs/', delimiter: '/', limit: 100 },
    },
    response: {
      name: 'ListObjectsResponse',
      schema: listObjectsResponse,
      example: {
        objects: [
          {
            object_name: 'docs/report.pdf',
            size: 52_431,
            etag: '"9b2cf535f27731c974343645a3985328"',
            last_modified: EXPIRES,
          },
        ],
        prefixes: ['docs/2026/'],
      },
    },
    errors: ['invalid_object_name'],
  },
  'delete-object': {
    summary: 'Discard a draft or delete a confirmed object',
    description:
      'Idempotent: deleting what is not there answers the same. In AWS the main bucket is versioned, so a deleted confirmed object stays recoverable until its noncurrent version expires.',
    tag: 'Objects',
    errorShape: 'rest',
    request: {
      name: 'DeleteObjectRequest',
      schema: deleteObjectRequest,
      example: { object_name: 'docs/report.pdf', stage: 'draft' },
    },
    response: {
      name: 'DeleteObjectResponse',
      schema: deleteObjectResponse,
      example: { deleted: true },
    },
    errors: ['invalid_object_name'],
  },
  'multipart-create': {
    summary: 'Start a resumable multipart upload into the draft stage',
    description:
      "The server chooses the part size (the client's `part_size` or 16 MiB, raised to at least 5 MiB and to at most 10,000 parts). Send `upload_token` back unchanged with every later call: it is signed and binds owner, key, upload, length, part size and type.",
    tag: 'Uploads',
    errorShape: 'rest',
    request: {
      name: 'MultipartCreateRequest',
      schema: multipartCreateRequest,
      example: {
        object_name: 'videos/talk.mp4',
        content_length: 734_003_200,
        content_type: 'video/mp4',
      },
    },
    response: {
      name: 'MultipartCreateResponse',
      schema: multipartCreateResponse,
      example: {
        upload_id: '2~abcDEF',
        upload_token: 'eyJ2IjoxLC…',
        object_name: 'videos/talk.mp4',
        part_size: 16_777_216,
        part_count: 44,
        expires_at: EXPIRES,
      },
    },
    errors: ['invalid_object_name', 'payload_too_large', 'unsupported_media_type'],
  },
  'multipart-sign-parts': {
    summary: 'Presign PUTs for up to 100 parts',
    description:
      "Each URL signs its part's exact Content-Length (and Content-MD5 when given in `content_md5`), so the store refuses a longer, shorter or different part.",
    tag: 'Uploads',
    errorShape: 'rest',
    request: {
      name: 'MultipartSignPartsRequest',
      schema: multipartSignPartsRequest,
      example: {
        ...{ object_name: 'videos/talk.mp4', upload_id: '2~abcDEF', upload_token: 'eyJ2IjoxLC…' },
        part_numbers: [1, 2],
      },
    },
    response: {
      name: 'MultipartSignPartsResponse',
      schema: multipartSignPartsResponse,
      example: {
        parts: [
          {
            part_number: 1,
            url: `${DRAFT_URL}?partNumber=1&uploadId=2~abcDEF&${SIGNED}`,
            method: 'PUT',
            headers: { 'content-length': '16777216' },
          },
        ],
        expires_at: EXPIRES,
      },
    },
    errors: ['invalid_object_name', 'forbidden', 'not_found'],
  },
  'multipart-list-parts': {
    summary: 'List the parts uploaded so far, to resume',
    description: 'Every part the store holds, paging through the store itself.',
    tag: 'Uploads',
    errorShape: 'rest',
    request: {
      name: 'MultipartListPartsRequest',
      schema: multipartListPartsRequest,
      example: {
        object_name: 'videos/talk.mp4',
        upload_id: '2~abcDEF',
        upload_token: 'eyJ2IjoxLC…',
      },
    },
    response: {
      name: 'MultipartListPartsResponse',
      schema: multipartListPartsResponse,
      example: {
        parts: [{ part_number: 1, etag: '"b54357faf0632cce46e942fa68356b38"', size: 16_777_216 }],
      },
    },
    errors: ['invalid_object_name', 'forbidden', 'not_found'],
  },
  'multipart-complete': {
    summary: 'Assemble the parts into the draft',
    description:
      'Re-checks the total size and type; an upload that breaks the policy is aborted and removed (413 or 415). The draft then exists: confirm it as usual. Safe to retry.',
    tag: 'Uploads',
    errorShape: 'rest',
    request: {
      name: 'MultipartCompleteRequest',
      schema: multipartCompleteRequest,
      example: {
        ...{ object_name: 'videos/talk.mp4', upload_id: '2~abcDEF', upload_token: 'eyJ2IjoxLC…' },
        parts: [{ part_number: 1, etag: '"b54357faf0632cce46e942fa68356b38"' }],
      },
    },
    response: {
      name: 'MultipartCompleteResponse',
      schema: multipartCompleteResponse,
      example: {
        object_name: 'videos/talk.mp4',
        size: 734_003_200,
        etag: '"0c78aef83f66abc1fa1e8477f296d394-44"',
      },
    },
    errors: [
      'invalid_object_name',
      'forbidden',
      'not_found',
      'payload_too_large',
      'unsupported_media_type',
    ],
  },
  'multipart-abort': {
    summary: 'Abort a multipart upload',
    description:
      'Idempotent; also removes the draft the upload became if it was completed but not confirmed.',
    tag: 'Uploads',
    errorShape: 'rest',
    request: {
      name: 'MultipartAbortRequest',
      schema: multipartAbortRequest,
      example: {
        object_name: 'videos/talk.mp4',
        upload_id: '2~abcDEF',
        upload_token: 'eyJ2IjoxLC…',
      },
    },
    response: {
      name: 'MultipartAbortResponse',
      schema: multipartAbortResponse,
      example: { aborted: true },
    },
    errors: ['invalid_object_name', 'forbidden'],
  },
  health: {
    summary: 'Health of both buckets',
    description:
      '200 when both buckets answer, 503 (same shape) when either does not. No token needed.',
    tag: 'Service',
    errorShape: 'rest',
    response: {
      name: 'HealthResponse',
      schema: healthResponse,
      example: { status: 'ok', buckets: { draft: 'ok', main: 'ok' } },
    },
    alsoAnswers: {
      status: 503,
      description: 'A bucket does not answer.',
      example: { status: 'unavailable', buckets: { draft: 'ok', main: 'unavailable' } },
    },
    errors: [],
    public: true,
  },
  'compat-bucket': {
    summary: 'Original API: ensure the buckets exist',
    description:
      "The original DraftStore's CreateDraftBucket. Creates both buckets on S3-compatible stores; on AWS it only verifies them. Any body is ignored.",
    tag: 'Original DraftStore API',
    errorShape: 'compat',
    response: {
      name: 'CompatResultResponse',
      schema: compatResultResponse,
      example: { result: { success: true } },
    },
    errors: [],
  },
  'compat-upload-url': {
    summary: 'Original API: presign a PUT upload',
    description:
      'The original shape. Unknown fields are ignored; `content_type`, `content_length`, `content_md5` and `checksum_sha256` are optional extensions that get signed like on `/api/v1/upload-url`, and `headers` lists what the PUT must send.',
    tag: 'Original DraftStore API',
    errorShape: 'compat',
    request: {
      name: 'CompatUploadRequest',
      schema: compatUploadRequest,
      example: {
        object_name: 'docs/report.pdf',
        content_type: 'application/pdf',
        content_length: 52_431,
      },
    },
    response: {
      name: 'CompatUploadUrlResponse',
      schema: compatUploadUrlResponse,
      example: {
        result: { success: true },
        url: `${DRAFT_URL}?${SIGNED}`,
        headers: { 'content-type': 'application/pdf', 'content-length': '52431' },
      },
    },
    errors: ['invalid_object_name', 'payload_too_large', 'unsupported_media_type'],
  },
  'compat-download-url': {
    summary: 'Original API: presign a download of a draft',
    description:
      'The original shape. Without `stage` it signs the draft, or the confirmed object when no draft exists (as the original server did); `stage` picks one.',
    tag: 'Original DraftStore API',
    errorShape: 'compat',
    request: {
      name: 'CompatDownloadRequest',
      schema: compatDownloadRequest,
      example: { object_name: 'docs/report.pdf' },
    },
    response: {
      name: 'CompatUrlResponse',
      schema: compatUrlResponse,
      example: { result: { success: true }, url: `${DRAFT_URL}?${SIGNED}` },
    },
    errors: ['invalid_object_name', 'not_found', 'content_rejected'],
  },
  'compat-confirm': {
    summary: 'Original API: confirm a draft',
    description: 'The original shape of `/api/v1/confirm-upload`; safe to retry.',
    tag: 'Original DraftStore API',
    errorShape: 'compat',
    request: {
      name: 'CompatObjectRequest',
      schema: compatObjectRequest,
      example: { object_name: 'docs/report.pdf' },
    },
    response: {
      name: 'CompatResultResponse',
      schema: compatResultResponse,
      example: { result: { success: true } },
    },
    errors: [
      'invalid_object_name',
      'not_found',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'content_rejected',
      'scan_pending',
      'scanner_unavailable',
    ],
  },
};
