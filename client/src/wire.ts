/**
 * The REST API's request and answer shapes, straight from the server's zod contract
 * (type-only imports: nothing of zod reaches a bundle).
 */
export type {
  ConfirmRequest,
  ConfirmResponse,
  DeleteObjectRequest,
  DeleteObjectResponse,
  DownloadUrlRequest,
  DownloadUrlResponse,
  ErrorResponse,
  ListObjectsRequest,
  ListObjectsResponse,
  MultipartAbortRequest,
  MultipartAbortResponse,
  MultipartCompleteRequest,
  MultipartCompleteResponse,
  MultipartCreateRequest,
  MultipartCreateResponse,
  MultipartListPartsRequest,
  MultipartListPartsResponse,
  MultipartSignPartsRequest,
  MultipartSignPartsResponse,
  ObjectInfoRequest,
  ObjectInfoResponse,
  UploadUrlRequest,
  UploadUrlResponse,
  UsageResponse,
} from '../../lambdas/contract/index.js';

import type { MultipartAbortRequest } from '../../lambdas/contract/index.js';
/** The three fields that name one multipart upload in every call after create. */
export type MultipartUploadRef = MultipartAbortRequest;
