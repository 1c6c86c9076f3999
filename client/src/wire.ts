/**
 * The REST API's request and answer shapes. The existing routes' types come straight
 * from the server's zod contract (type-only imports: nothing of zod reaches a bundle).
 */
export type {
  ConfirmRequest,
  ConfirmResponse,
  DownloadUrlRequest,
  DownloadUrlResponse,
  ErrorResponse,
  UploadUrlRequest,
  UploadUrlResponse,
} from '../../lambdas/contract/index.js';
