import { createCompatBucketHandler } from './compat-bucket.js';
import { createCompatConfirmHandler } from './compat-confirm.js';
import { createCompatDownloadUrlHandler } from './compat-download-url.js';
import { createCompatUploadUrlHandler } from './compat-upload-url.js';
import { createConfirmUploadHandler } from './confirm-upload.js';
import { createDownloadUrlHandler } from './download-url.js';
import { createHealthHandler } from './health.js';
import { createMultipartAbortHandler } from './multipart-abort.js';
import { createMultipartCompleteHandler } from './multipart-complete.js';
import { createMultipartCreateHandler } from './multipart-create.js';
import { createMultipartListPartsHandler } from './multipart-list-parts.js';
import { createMultipartSignPartsHandler } from './multipart-sign-parts.js';
import type { HttpEvent, HttpResult, ServicesResolver } from './http-handler.js';
import {
  MULTIPART_ROUTE_TABLE,
  ROUTE_TABLE,
  type MultipartRouteSpec,
  type RouteSpec,
} from './route-table.js';
import { createUploadFormHandler } from './upload-form.js';
import { createUploadUrlHandler } from './upload-url.js';

export interface Route {
  readonly method: RouteSpec['method'];
  readonly path: string;
  readonly entry: RouteSpec['entry'] | MultipartRouteSpec['entry'];
  readonly create: (
    resolve: ServicesResolver,
  ) => (event: HttpEvent, context: import('aws-lambda').Context) => Promise<HttpResult>;
}

const CREATE: Record<Route['entry'], Route['create']> = {
  'upload-url': createUploadUrlHandler,
  'upload-form': createUploadFormHandler,
  'download-url': createDownloadUrlHandler,
  'confirm-upload': createConfirmUploadHandler,
  health: createHealthHandler,
  'compat-bucket': createCompatBucketHandler,
  'compat-upload-url': createCompatUploadUrlHandler,
  'compat-download-url': createCompatDownloadUrlHandler,
  'compat-confirm': createCompatConfirmHandler,
  'multipart-create': createMultipartCreateHandler,
  'multipart-sign-parts': createMultipartSignPartsHandler,
  'multipart-list-parts': createMultipartListPartsHandler,
  'multipart-complete': createMultipartCompleteHandler,
  'multipart-abort': createMultipartAbortHandler,
};

/** The REST API: one table (route-table.ts) shared by the local runtime and the CDK stack. */
export const ROUTES: readonly Route[] = [...ROUTE_TABLE, ...MULTIPART_ROUTE_TABLE].map((spec) => ({
  ...spec,
  create: CREATE[spec.entry],
}));
