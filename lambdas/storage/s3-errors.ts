import { DraftError } from '../core/errors.js';

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeTooSkewed',
]);

const UNAVAILABLE_CODES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'InternalError',
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
]);

/** The S3 error code of an SDK or network failure. */
export const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const shape = error as SdkErrorShape;
  return shape.Code ?? shape.name ?? shape.code;
};

const NETWORK_MESSAGE =
  /\b(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|socket hang up)\b/;

/**
 * A failure below HTTP (socket, DNS, timeout). Node reports it as `code` on the error
 * or its cause; when the SDK wraps an error from another realm it keeps only the
 * message ("AWS SDK error wrapper for Error: connect ECONNREFUSED ...").
 */
const isNetworkFailure = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { code, cause, message } = error as {
    code?: unknown;
    cause?: { code?: unknown };
    message?: unknown;
  };
  return (
    [code, cause?.code].some((value) => typeof value === 'string' && NETWORK_CODES.has(value)) ||
    (typeof message === 'string' && NETWORK_MESSAGE.test(message))
  );
};

export const httpStatus = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null
    ? (error as SdkErrorShape).$metadata?.httpStatusCode
    : undefined;

export const isNotFound = (error: unknown): boolean => {
  const code = errorCode(error);
  return (
    code === 'NoSuchKey' ||
    code === 'NotFound' ||
    (code !== 'NoSuchBucket' && httpStatus(error) === 404)
  );
};

/**
 * Translates an SDK failure into the domain's error, with a message that names no
 * bucket and carries nothing from the store's response; the original is the cause.
 */
export const toDraftError = (error: unknown, action: string): DraftError => {
  if (error instanceof DraftError) return error;
  const code = errorCode(error);
  const status = httpStatus(error);
  if (code === 'NoSuchBucket') {
    return new DraftError(
      'bucket_not_found',
      `Storage is not set up: a bucket is missing (${action}).`,
      {
        cause: error,
      },
    );
  }
  if (isNotFound(error)) {
    return new DraftError('not_found', `The object does not exist (${action}).`, { cause: error });
  }
  if (code === 'CredentialsProviderError') {
    // The SDK found no credentials to sign with: a deployment mistake, not the client's.
    return new DraftError(
      'storage_unavailable',
      `Storage is unavailable (${action}): the service has no credentials for it.`,
      { cause: error },
    );
  }
  if (code === 'PreconditionFailed' || status === 412) {
    return new DraftError('conflict', `The object changed during ${action}.`, { cause: error });
  }
  if (
    isNetworkFailure(error) ||
    (code !== undefined && (NETWORK_CODES.has(code) || UNAVAILABLE_CODES.has(code))) ||
    status === 403 ||
    status === 429 ||
    (status !== undefined && status >= 500)
  ) {
    return new DraftError('storage_unavailable', `Storage is unavailable (${action}); try again.`, {
      cause: error,
    });
  }
  return new DraftError('internal', `Storage failed unexpectedly (${action}).`, { cause: error });
};
