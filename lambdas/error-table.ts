import { Code } from '@connectrpc/connect';
import type { DraftErrorCode } from './core/errors.js';

/** draft.v1.ErrorType, as numbered by the original DraftStore contract. */
export const ErrorTypeNumber = {
  UNSPECIFIED: 0,
  BUCKET_NOT_FOUND: 1,
  OBJECT_NOT_FOUND: 2,
  ACCESS_DENIED: 3,
  NETWORK_ERROR: 4,
  STORAGE_QUOTA_EXCEEDED: 5,
  INVALID_OBJECT_NAME: 6,
  BUCKET_ALREADY_EXISTS: 7,
  COPY_FAILED: 8,
  DELETE_FAILED: 9,
  PRESIGNED_URL_FAILED: 10,
  INTERNAL_ERROR: 11,
} as const;

export interface WireError {
  readonly httpStatus: number;
  readonly connectCode: Code;
  readonly errorType: number;
}

/** The one mapping from domain errors to the REST, Connect and draft.v1 wire formats. */
export const ERROR_TABLE: Readonly<Record<DraftErrorCode, WireError>> = {
  invalid_request: {
    httpStatus: 400,
    connectCode: Code.InvalidArgument,
    errorType: ErrorTypeNumber.UNSPECIFIED,
  },
  unauthenticated: {
    httpStatus: 401,
    connectCode: Code.Unauthenticated,
    errorType: ErrorTypeNumber.ACCESS_DENIED,
  },
  forbidden: {
    httpStatus: 403,
    connectCode: Code.PermissionDenied,
    errorType: ErrorTypeNumber.ACCESS_DENIED,
  },
  invalid_object_name: {
    httpStatus: 400,
    connectCode: Code.InvalidArgument,
    errorType: ErrorTypeNumber.INVALID_OBJECT_NAME,
  },
  not_found: {
    httpStatus: 404,
    connectCode: Code.NotFound,
    errorType: ErrorTypeNumber.OBJECT_NOT_FOUND,
  },
  conflict: {
    httpStatus: 409,
    connectCode: Code.FailedPrecondition,
    errorType: ErrorTypeNumber.COPY_FAILED,
  },
  payload_too_large: {
    httpStatus: 413,
    connectCode: Code.ResourceExhausted,
    errorType: ErrorTypeNumber.STORAGE_QUOTA_EXCEEDED,
  },
  // The owner's storage quota (QUOTA_BYTES, QUOTA_OBJECTS, or their own limit): the one
  // error draft.v1's STORAGE_QUOTA_EXCEEDED was named for.
  quota_exceeded: {
    httpStatus: 413,
    connectCode: Code.ResourceExhausted,
    errorType: ErrorTypeNumber.STORAGE_QUOTA_EXCEEDED,
  },
  unsupported_media_type: {
    httpStatus: 415,
    connectCode: Code.InvalidArgument,
    errorType: ErrorTypeNumber.UNSPECIFIED,
  },
  // The stored bytes are not what confirm may pass; re-uploading other bytes is the fix, so
  // not a retry (FAILED_PRECONDITION), and not the request's own arguments (INVALID_ARGUMENT).
  content_rejected: {
    httpStatus: 422,
    connectCode: Code.FailedPrecondition,
    errorType: ErrorTypeNumber.UNSPECIFIED,
  },
  // Normal flow, not a server failure (no 5xx): the verdict is not in yet. UNAVAILABLE is the
  // Connect code that clients retry with backoff.
  scan_pending: {
    httpStatus: 409,
    connectCode: Code.Unavailable,
    errorType: ErrorTypeNumber.UNSPECIFIED,
  },
  scanner_unavailable: {
    httpStatus: 503,
    connectCode: Code.Unavailable,
    errorType: ErrorTypeNumber.NETWORK_ERROR,
  },
  bucket_not_found: {
    httpStatus: 503,
    connectCode: Code.FailedPrecondition,
    errorType: ErrorTypeNumber.BUCKET_NOT_FOUND,
  },
  storage_unavailable: {
    httpStatus: 503,
    connectCode: Code.Unavailable,
    errorType: ErrorTypeNumber.NETWORK_ERROR,
  },
  internal: {
    httpStatus: 500,
    connectCode: Code.Internal,
    errorType: ErrorTypeNumber.INTERNAL_ERROR,
  },
};
