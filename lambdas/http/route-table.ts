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
  { method: 'GET', path: '/health', entry: 'health' },
  // The original DraftStore (Go) REST API, kept so its web clients work unchanged: POST
  // /api/v1/draft/bucket, with /upload-url, /download-url and /confirm as its siblings.
  { method: 'POST', path: '/api/v1/draft/bucket', entry: 'compat-bucket' },
  { method: 'POST', path: '/api/v1/draft/upload-url', entry: 'compat-upload-url' },
  { method: 'POST', path: '/api/v1/draft/download-url', entry: 'compat-download-url' },
  { method: 'POST', path: '/api/v1/draft/confirm', entry: 'compat-confirm' },
];

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
}

export const MULTIPART_ROUTE_TABLE: readonly MultipartRouteSpec[] = [
  { method: 'POST', path: '/api/v1/multipart/create', entry: 'multipart-create' },
  { method: 'POST', path: '/api/v1/multipart/sign-parts', entry: 'multipart-sign-parts' },
  { method: 'POST', path: '/api/v1/multipart/list-parts', entry: 'multipart-list-parts' },
  { method: 'POST', path: '/api/v1/multipart/complete', entry: 'multipart-complete' },
  { method: 'POST', path: '/api/v1/multipart/abort', entry: 'multipart-abort' },
];
