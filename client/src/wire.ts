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
} from '../../lambdas/contract/index.js';

import type { MultipartAbortRequest } from '../../lambdas/contract/index.js';
/** The three fields that name one multipart upload in every call after create. */
export type MultipartUploadRef = MultipartAbortRequest;

/**
 * `POST /api/v1/usage`: the caller's confirmed bytes and objects and their quota (`null`:
 * unlimited). Spelled out here until the server's contract declares it.
 */
// A type alias, not an interface: the build spells wire types out (emit-wire-types.mjs).
export type UsageResponse = {
  readonly bytes: number;
  readonly objects: number;
  readonly quota: { readonly bytes: number | null; readonly objects: number | null };
};
