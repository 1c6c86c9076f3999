/**
 * The REST route table as plain data, free of handler imports, so the CDK app can read it
 * without loading the Lambda code. `routes.ts` pairs each row with its handler factory.
 */
export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The Lambda function that serves it: `lambdas/http/<entry>.ts`. */
  readonly entry:
    | 'upload-url'
    | 'upload-form'
    | 'download-url'
    | 'confirm-upload'
    | 'object-info'
    | 'list-objects'
    | 'delete-object'
    | 'health'
    | 'compat-bucket'
    | 'compat-upload-url'
    | 'compat-download-url'
    | 'compat-confirm';
}

export const ROUTE_TABLE: readonly RouteSpec[] = [
  { method: 'POST', path: '/api/v1/upload-url', entry: 'upload-url' },
  { method: 'POST', path: '/api/v1/upload-form', entry: 'upload-form' },
  { method: 'POST', path: '/api/v1/download-url', entry: 'download-url' },
  { method: 'POST', path: '/api/v1/confirm-upload', entry: 'confirm-upload' },
  { method: 'POST', path: '/api/v1/object-info', entry: 'object-info' },
  { method: 'POST', path: '/api/v1/list-objects', entry: 'list-objects' },
  { method: 'POST', path: '/api/v1/delete-object', entry: 'delete-object' },
  { method: 'GET', path: '/health', entry: 'health' },
  // The original DraftStore (Go) REST API, kept so its web clients work unchanged: POST
  // /api/v1/draft/bucket, with /upload-url, /download-url and /confirm as its siblings.
  { method: 'POST', path: '/api/v1/draft/bucket', entry: 'compat-bucket' },
  { method: 'POST', path: '/api/v1/draft/upload-url', entry: 'compat-upload-url' },
  { method: 'POST', path: '/api/v1/draft/download-url', entry: 'compat-download-url' },
  { method: 'POST', path: '/api/v1/draft/confirm', entry: 'compat-confirm' },
];

/**
 * The original API's routes all live under this prefix, and every answer there, errors
 * included, keeps its `{"result": ...}` shape.
 */
export const COMPAT_PATH_PREFIX = '/api/v1/draft/';

export const isCompatPath = (path: string): boolean =>
  path === COMPAT_PATH_PREFIX.slice(0, -1) || path.startsWith(COMPAT_PATH_PREFIX);

/** The multipart upload routes (served locally; the CDK stack gives each its own function). */
export interface MultipartRouteSpec {
  readonly method: 'POST';
  readonly path: string;
  readonly entry:
    | 'multipart-create'
    | 'multipart-sign-parts'
    | 'multipart-list-parts'
    | 'multipart-complete'
    | 'multipart-abort';
  /** The largest request body, when larger than the usual 64 KiB. */
  readonly maxBodyBytes?: number;
}

/**
 * Complete's body lists up to 10,000 parts: `{"part_number":10000,"etag":"\"<32 hex>\""}`
 * each, about 650 KB in all.
 */
export const MAX_COMPLETE_BODY_BYTES = 1024 * 1024;

export const MULTIPART_ROUTE_TABLE: readonly MultipartRouteSpec[] = [
  { method: 'POST', path: '/api/v1/multipart/create', entry: 'multipart-create' },
  { method: 'POST', path: '/api/v1/multipart/sign-parts', entry: 'multipart-sign-parts' },
  { method: 'POST', path: '/api/v1/multipart/list-parts', entry: 'multipart-list-parts' },
  {
    method: 'POST',
    path: '/api/v1/multipart/complete',
    entry: 'multipart-complete',
    maxBodyBytes: MAX_COMPLETE_BODY_BYTES,
  },
  { method: 'POST', path: '/api/v1/multipart/abort', entry: 'multipart-abort' },
];
