/**
 * The REST route table as plain data, free of handler imports, so the CDK app can read it
 * without loading the Lambda code. `routes.ts` pairs each row with its handler factory.
 */
export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The Lambda function that serves it: `lambdas/http/<entry>.ts`. */
  readonly entry: 'upload-url' | 'upload-form' | 'download-url' | 'confirm-upload' | 'health';
}

export const ROUTE_TABLE: readonly RouteSpec[] = [
  { method: 'POST', path: '/api/v1/upload-url', entry: 'upload-url' },
  { method: 'POST', path: '/api/v1/upload-form', entry: 'upload-form' },
  { method: 'POST', path: '/api/v1/download-url', entry: 'download-url' },
  { method: 'POST', path: '/api/v1/confirm-upload', entry: 'confirm-upload' },
  { method: 'GET', path: '/health', entry: 'health' },
];
