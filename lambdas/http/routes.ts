import { createConfirmUploadHandler } from './confirm-upload.js';
import { createDownloadUrlHandler } from './download-url.js';
import { createHealthHandler } from './health.js';
import type { HttpEvent, HttpResult, ServicesResolver } from './http-handler.js';
import { createUploadUrlHandler } from './upload-url.js';

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The Lambda function that serves it (its file under lambdas/http). */
  readonly entry: string;
  readonly create: (
    resolve: ServicesResolver,
  ) => (event: HttpEvent, context: import('aws-lambda').Context) => Promise<HttpResult>;
}

/** The REST API: one table shared by the local runtime and the CDK stack. */
export const ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/api/v1/upload-url',
    entry: 'upload-url',
    create: createUploadUrlHandler,
  },
  {
    method: 'POST',
    path: '/api/v1/download-url',
    entry: 'download-url',
    create: createDownloadUrlHandler,
  },
  {
    method: 'POST',
    path: '/api/v1/confirm-upload',
    entry: 'confirm-upload',
    create: createConfirmUploadHandler,
  },
  { method: 'GET', path: '/health', entry: 'health', create: createHealthHandler },
];
