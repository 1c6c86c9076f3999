import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  describeValidationError,
  isValidationError,
  validationErrorCode,
} from '../contract/validation-error.js';
import { isDraftError, REJECTION_REASON_HEADER, type DraftError } from '../core/errors.js';
import { ERROR_TABLE } from '../error-table.js';
import { logger } from '../observability/logger.js';
import { jsonResponse } from './json-response.js';

interface HttpLikeError {
  statusCode: number;
  message: string;
  cause?: { data?: unknown };
}

/** What @middy/http-json-body-parser throws for a `__proto__` or `constructor.prototype` key. */
const FORBIDDEN_KEY = 'Forbidden key in JSON body';

const isHttpLikeError = (error: unknown): error is HttpLikeError =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as HttpLikeError).statusCode === 'number' &&
  (error as HttpLikeError).statusCode >= 400 &&
  (error as HttpLikeError).statusCode < 500;

/** What a refusal tells beyond its code and message (`content_rejected`'s reason). */
export interface ErrorDetails {
  readonly reason?: string;
  readonly detected_type?: string;
}

export const errorBody = (code: string, message: string, details: ErrorDetails = {}) => ({
  error: { code, message, ...details },
});

/** Shapes an error body from its code and client-safe message; the default is `errorBody`. */
export type ErrorBodyFormat = (code: string, message: string, details?: ErrorDetails) => unknown;

const detailsOf = (error: DraftError): ErrorDetails => ({
  ...(error.reason !== undefined && { reason: error.reason }),
  ...(error.detectedType !== undefined && { detected_type: error.detectedType }),
});

/**
 * Turns any failure into `{error: {code, message}}` with the status from the error
 * table. Only messages written for clients leave; everything else is logged.
 */
export const errorResponse = (
  format: ErrorBodyFormat = errorBody,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => {
  const errorResponseOnError: MiddlewareObj<
    APIGatewayProxyEventV2,
    APIGatewayProxyStructuredResultV2
  >['onError'] = (request) => {
    const error = request.error;
    if (isDraftError(error)) {
      const { httpStatus } = ERROR_TABLE[error.code];
      const fields = { code: error.code, status: httpStatus };
      // A client's mistake is an everyday event: its code and message say it all.
      if (httpStatus >= 500) logger.error('request failed', { ...fields, error });
      else logger.info('request failed', { ...fields, detail: error.message });
      const response = jsonResponse(
        httpStatus,
        format(error.code, error.message, detailsOf(error)),
      );
      // Headers too, for the original body shape that has no field for them.
      response.headers = {
        ...response.headers,
        ...(error.reason !== undefined && { [REJECTION_REASON_HEADER]: error.reason }),
        ...(error.retryAfterSeconds !== undefined && {
          'retry-after': String(error.retryAfterSeconds),
        }),
      };
      request.response = response;
      return;
    }
    if (isValidationError(error)) {
      const code = validationErrorCode(error);
      const message = describeValidationError(error);
      logger.info('request rejected', { code, status: 400, detail: message });
      request.response = jsonResponse(400, format(code, message));
      return;
    }
    if (isHttpLikeError(error)) {
      const { code, message } = describeHttpError(error);
      logger.info('request rejected', { code, status: error.statusCode, detail: message });
      request.response = jsonResponse(
        error.statusCode === 422 ? 400 : error.statusCode,
        format(code, message),
      );
      return;
    }
    logger.error('unexpected failure', { error });
    request.response = jsonResponse(500, format('internal', 'An internal error occurred.'));
  };
  return { onError: errorResponseOnError };
};

const describeHttpError = (error: HttpLikeError): { code: string; message: string } => {
  switch (error.statusCode) {
    case 415:
      return {
        code: 'unsupported_media_type',
        message: 'The request body must be sent as application/json.',
      };
    case 413:
      return { code: 'payload_too_large', message: error.message };
    case 422:
      return error.message === FORBIDDEN_KEY
        ? {
            code: 'invalid_request',
            message: `The request body must not contain the key "${String(error.cause?.data)}".`,
          }
        : { code: 'invalid_request', message: 'The request body is not valid JSON.' };
    default:
      return { code: 'invalid_request', message: error.message };
  }
};
