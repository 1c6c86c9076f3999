/**
 * The original DraftStore REST API, as plain data like route-table.ts. Its Go server
 * served POST /api/v1/draft/bucket, and /upload-url, /download-url and /confirm as
 * siblings under /api/v1/draft/. Served locally through ROUTES; the CDK stack deploys
 * ROUTE_TABLE only, so deploying these means adding them (and their grants) there.
 */
export interface CompatRouteSpec {
  readonly method: 'POST';
  readonly path: string;
  /** The Lambda function that serves it: `lambdas/http/<entry>.ts`. */
  readonly entry: 'compat-bucket' | 'compat-upload-url' | 'compat-download-url' | 'compat-confirm';
}

export const COMPAT_ROUTE_TABLE: readonly CompatRouteSpec[] = [
  { method: 'POST', path: '/api/v1/draft/bucket', entry: 'compat-bucket' },
  { method: 'POST', path: '/api/v1/draft/upload-url', entry: 'compat-upload-url' },
  { method: 'POST', path: '/api/v1/draft/download-url', entry: 'compat-download-url' },
  { method: 'POST', path: '/api/v1/draft/confirm', entry: 'compat-confirm' },
];
