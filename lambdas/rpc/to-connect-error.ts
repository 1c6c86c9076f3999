import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import {
  describeValidationError,
  isValidationError,
  validationErrorCode,
} from '../contract/validation-error.js';
import { isDraftError, REJECTION_REASON_HEADER, type DraftError } from '../core/errors.js';
import { ERROR_TABLE, ErrorTypeNumber } from '../error-table.js';
import { ErrorType, ResultSchema, type Result } from '../gen/draft/v1/draft_pb.js';
import { logger } from '../observability/logger.js';

/** The draft.v1 Result a failure carries in its status details. */
const failure = (message: string, errorType: number): Result =>
  create(ResultSchema, {
    success: false,
    errorMessage: message,
    errorType: errorType as ErrorType,
  });

const withResult = (
  message: string,
  code: Code,
  errorType: number,
  cause: unknown,
  metadata?: Record<string, string>,
) =>
  new ConnectError(
    message,
    code,
    metadata,
    [{ desc: ResultSchema, value: failure(message, errorType) }],
    cause,
  );

/**
 * What a refusal tells beyond its code, as response headers (Connect's error metadata):
 * `content_rejected`'s reason and a retryable code's Retry-After, as REST sends them.
 */
const refusalHeaders = (error: DraftError): Record<string, string> | undefined => {
  const headers: Record<string, string> = {};
  if (error.reason !== undefined) headers[REJECTION_REASON_HEADER] = error.reason;
  if (error.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(error.retryAfterSeconds);
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
};

/**
 * Any failure as a ConnectError: a DraftError gets the Connect code and draft.v1
 * ErrorType of the shared error table (lambdas/error-table.ts), plus a draft.v1.Result
 * in the status details. Only messages written for clients leave; the rest is logged.
 */
export const toConnectError = (error: unknown): ConnectError => {
  if (isDraftError(error)) {
    const { connectCode, errorType, httpStatus } = ERROR_TABLE[error.code];
    const fields = { code: error.code, connectCode: Code[connectCode] };
    // A client's mistake is an everyday event: its code and message say it all.
    if (httpStatus >= 500) logger.error('rpc failed', { ...fields, error });
    else logger.info('rpc failed', { ...fields, detail: error.message });
    return withResult(error.message, connectCode, errorType, error, refusalHeaders(error));
  }
  if (isValidationError(error)) {
    const message = describeValidationError(error);
    const code = validationErrorCode(error);
    const { connectCode, errorType } = ERROR_TABLE[code];
    logger.info('rpc rejected', { code, connectCode: Code[connectCode], detail: message });
    return withResult(message, connectCode, errorType, error);
  }
  // Protocol errors the Connect runtime raised itself (bad message, deadline, ...).
  if (error instanceof ConnectError) return error;
  logger.error('unexpected rpc failure', { error });
  return withResult(
    'An internal error occurred.',
    Code.Internal,
    ErrorTypeNumber.INTERNAL_ERROR,
    error,
  );
};

/** A server interceptor that turns every failure of an RPC into toConnectError's answer. */
export const draftErrorInterceptor: Interceptor = (next) => async (request) => {
  try {
    return await next(request);
  } catch (error) {
    throw toConnectError(error);
  }
};
