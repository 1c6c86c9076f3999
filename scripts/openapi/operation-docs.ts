import type * as z from 'zod/mini';
import {
  compatResultResponse,
  compatUploadUrlResponse,
  compatUrlResponse,
  deleteObjectResponse,
  confirmResponse,
  downloadUrlResponse,
  healthResponse,
  multipartAbortResponse,
  multipartCompleteResponse,
  multipartCreateResponse,
  multipartListPartsResponse,
  multipartSignPartsResponse,
  listObjectsResponse,
  objectInfoResponse,
  uploadFormResponse,
  uploadUrlResponse,
  usageResponse,
} from '../../lambdas/contract/index.js';
import type { DraftErrorCode } from '../../lambdas/core/errors.js';
import type { OriginalRoute, RestRoute } from '../../lambdas/contract/operation.js';
import type { OPERATIONS } from '../../lambdas/contract/operations/index.js';

/** A request body: the name its schema (the route's `request`) gets in components, an example. */
export interface RequestDocs {
  readonly name: string;
  readonly example: unknown;
}

/** An answer: its contract schema, the name it gets in components, an example. */
export interface AnswerDocs<Answer = unknown> {
  readonly name: string;
  /** The answer schema the route's handler is typed by (checked by the type below). */
  readonly schema: z.ZodMiniType<Answer>;
  readonly example: unknown;
}

/**
 * The OpenAPI text of one route: what a reader needs that the code does not say. The path,
 * method and request schema come from the operation's spec (lambdas/contract/operations),
 * the error shape from its surface, the statuses of errors from lambdas/error-table.ts.
 */
export interface RouteDocs<Answer = unknown> {
  readonly summary: string;
  readonly description: string;
  readonly tag: 'Uploads' | 'Objects' | 'Service' | 'Original DraftStore API';
  /** The JSON body, for routes that read one; absent for routes without a body. */
  readonly request?: RequestDocs;
  readonly response: AnswerDocs<Answer>;
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

type Spec = (typeof OPERATIONS)[number];
type AnswerOf<Route> = Route extends RestRoute | OriginalRoute
  ? ReturnType<Route['answer']>
  : never;

/**
 * The OpenAPI text of every operation, keyed by its name, with one entry per JSON surface
 * it has (`rest`, `original`): the type refuses an operation or a surface without one.
 */
export type OperationDocs = {
  readonly [S in Spec as S['name']]: {
    readonly [K in 'rest' | 'original' as K extends keyof S ? K : never]: RouteDocs<
      AnswerOf<S[K & keyof S]>
    >;
  };
};

const EXPIRES = '2026-12-02T15:00:00.000Z';
const SIGNED = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…&X-Amz-Signature=…';
const DRAFT_URL = 'https://draft-bucket.s3.eu-west-1.amazonaws.com/alice/docs/report.pdf';
/** What confirm answers besides success, on REST and the original route alike. */
const CONFIRM_ERRORS = [
  'invalid_object_name',
  'not_found',
  'conflict',
  'payload_too_large',
  'quota_exceeded',
  'unsupported_media_type',
  'content_rejected',
  'scan_pending',
  'scanner_unavailable',
] as const;

/**
 * The OpenAPI text, kept out of lambdas/ so that no Lambda bundle carries it. A new operation
 * needs its entry here (the type makes `npm run lint` fail until it exists); `npm run
 * openapi` then regenerates docs/openapi.json (which `npm run openapi:check` and the unit
 * test keep in step). Name the answer schema from lambdas/contract; list the domain errors
 * the route can raise in `errors`.
 */
export const OPENAPI_DOCS: OperationDocs = {
  'create-draft-bucket': {
    original: {
      summary: 'Original API: ensure the buckets exist',
      description:
        "The original DraftStore's CreateDraftBucket. Creates both buckets on S3-compatible stores; on AWS it only verifies them. Any body is ignored.",
      tag: 'Original DraftStore API',
      response: {
        name: 'CompatResultResponse',
        schema: compatResultResponse,
        example: { result: { success: true } },
      },
      errors: [],
    },
  },
  'upload-url': {
    rest: {
      summary: 'Presign a PUT upload into the draft stage',
      description:
        'Answers a presigned PUT URL for `<owner>/<object_name>` in the draft bucket. Every header in `headers` is signed: send exactly those. `content_type`, `content_length` and the digests, when given, are signed too, so the store refuses a body that does not match them.',
      tag: 'Uploads',
      request: {
        name: 'UploadUrlRequest',
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
      errors: [
        'invalid_object_name',
        'payload_too_large',
        'quota_exceeded',
        'unsupported_media_type',
      ],
    },
    original: {
      summary: 'Original API: presign a PUT upload',
      description:
        'The original shape. Unknown fields are ignored; `content_type`, `content_length`, `content_md5` and `checksum_sha256` are optional extensions that get signed like on `/api/v1/upload-url`, and `headers` lists what the PUT must send.',
      tag: 'Original DraftStore API',
      request: {
        name: 'CompatUploadRequest',
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
      errors: [
        'invalid_object_name',
        'payload_too_large',
        'quota_exceeded',
        'unsupported_media_type',
      ],
    },
  },
  'upload-form': {
    rest: {
      summary: 'Presign an HTML form (POST) upload into the draft stage',
      description:
        'Answers a presigned POST policy: submit `fields` plus a `file` field as multipart/form-data to `url`. The store enforces the key, the Content-Type, the size range and the expiry.',
      tag: 'Uploads',
      request: {
        name: 'UploadFormRequest',
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
      errors: ['invalid_object_name', 'quota_exceeded', 'unsupported_media_type'],
    },
  },
  'download-url': {
    rest: {
      summary: 'Presign a download of a draft or a confirmed object',
      description:
        "`stage` is `draft` (the default: preview before confirming) or `main` (a confirmed object). Another owner's objects answer 404.",
      tag: 'Objects',
      request: {
        name: 'DownloadUrlRequest',
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
    original: {
      summary: 'Original API: presign a download of a draft',
      description:
        'The original shape. Without `stage` it signs the draft, or the confirmed object when no draft exists (as the original server did); `stage` picks one.',
      tag: 'Original DraftStore API',
      request: {
        name: 'CompatDownloadRequest',
        example: { object_name: 'docs/report.pdf' },
      },
      response: {
        name: 'CompatUrlResponse',
        schema: compatUrlResponse,
        example: { result: { success: true }, url: `${DRAFT_URL}?${SIGNED}` },
      },
      errors: ['invalid_object_name', 'not_found', 'content_rejected'],
    },
  },
  'confirm-upload': {
    rest: {
      summary: 'Confirm a draft: move it into the main stage',
      description:
        "Copies the draft into the versioned main bucket (checked against the draft's ETag) and deletes the draft. Safe to retry: a repeated confirm answers the same. 409 when the draft was replaced during the copy.",
      tag: 'Uploads',
      request: {
        name: 'ConfirmRequest',
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
      errors: CONFIRM_ERRORS,
    },
    original: {
      summary: 'Original API: confirm a draft',
      description: 'The original shape of `/api/v1/confirm-upload`; safe to retry.',
      tag: 'Original DraftStore API',
      request: {
        name: 'CompatObjectRequest',
        example: { object_name: 'docs/report.pdf' },
      },
      response: {
        name: 'CompatResultResponse',
        schema: compatResultResponse,
        example: { result: { success: true } },
      },
      errors: CONFIRM_ERRORS,
    },
  },
  'object-info': {
    rest: {
      summary: "Describe one of the caller's objects",
      description:
        "Size, type, ETag, time and the client's own metadata of a draft or a confirmed object (`stage` defaults to `main`). Another owner's objects answer 404.",
      tag: 'Objects',
      request: {
        name: 'ObjectInfoRequest',
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
  },
  'list-objects': {
    rest: {
      summary: "List the caller's objects, a page at a time",
      description:
        'Names are the caller\'s own, without the owner segment. With `delimiter: "/"` names roll up into `prefixes` (folders). Pass `next_cursor` back as `cursor` for the next page; a cursor only continues the listing it came from.',
      tag: 'Objects',
      request: {
        name: 'ListObjectsRequest',
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
  },
  'delete-object': {
    rest: {
      summary: 'Discard a draft or delete a confirmed object',
      description:
        'Idempotent: deleting what is not there answers the same. In AWS the main bucket is versioned, so a deleted confirmed object stays recoverable until its noncurrent version expires.',
      tag: 'Objects',
      request: {
        name: 'DeleteObjectRequest',
        example: { object_name: 'docs/report.pdf', stage: 'draft' },
      },
      response: {
        name: 'DeleteObjectResponse',
        schema: deleteObjectResponse,
        example: { deleted: true },
      },
      errors: ['invalid_object_name'],
    },
  },
  'multipart-create': {
    rest: {
      summary: 'Start a resumable multipart upload into the draft stage',
      description:
        "The server chooses the part size (the client's `part_size` or 16 MiB, raised to at least 5 MiB and to at most 10,000 parts). Send `upload_token` back unchanged with every later call: it is signed and binds owner, key, upload, length, part size and type.",
      tag: 'Uploads',
      request: {
        name: 'MultipartCreateRequest',
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
      errors: [
        'invalid_object_name',
        'payload_too_large',
        'quota_exceeded',
        'unsupported_media_type',
      ],
    },
  },
  'multipart-sign-parts': {
    rest: {
      summary: 'Presign PUTs for up to 100 parts',
      description:
        "Each URL signs its part's exact Content-Length (and Content-MD5 when given in `content_md5`), so the store refuses a longer, shorter or different part.",
      tag: 'Uploads',
      request: {
        name: 'MultipartSignPartsRequest',
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
  },
  'multipart-list-parts': {
    rest: {
      summary: 'List the parts uploaded so far, to resume',
      description: 'Every part the store holds, paging through the store itself.',
      tag: 'Uploads',
      request: {
        name: 'MultipartListPartsRequest',
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
  },
  'multipart-complete': {
    rest: {
      summary: 'Assemble the parts into the draft',
      description:
        'Re-checks the total size and type; an upload that breaks the policy is aborted and removed (413 or 415). The draft then exists: confirm it as usual. Safe to retry.',
      tag: 'Uploads',
      request: {
        name: 'MultipartCompleteRequest',
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
  },
  'multipart-abort': {
    rest: {
      summary: 'Abort a multipart upload',
      description:
        'Idempotent; also removes the draft the upload became if it was completed but not confirmed.',
      tag: 'Uploads',
      request: {
        name: 'MultipartAbortRequest',
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
  },
  health: {
    rest: {
      summary: 'Health of both buckets',
      description:
        '200 when both buckets answer, 503 (same shape) when either does not. No token needed.',
      tag: 'Service',
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
  },
  usage: {
    rest: {
      summary: "The caller's usage and quota",
      description:
        'Bytes and objects the caller keeps in the main bucket, and their quota (`null`: unlimited). With a usage table (`USAGE_TABLE`) it is the ledger confirm and delete keep; without one it is measured from a listing of main. Any body is ignored. See docs/quotas.md.',
      tag: 'Objects',
      response: {
        name: 'UsageResponse',
        schema: usageResponse,
        example: { bytes: 52_431, objects: 1, quota: { bytes: 10_737_418_240, objects: null } },
      },
      errors: [],
    },
  },
};
