import { DRAFT_ERROR_CODES, type DraftErrorCode } from '../core/errors.js';
import { ERROR_TABLE, ErrorTypeNumber } from '../error-table.js';
import { errorBody, type ErrorBodyFormat } from './error-response.js';
import type { RouteOptions } from './http-handler.js';
import { jsonResponse } from './json-response.js';
import { isCompatPath } from './compat-path.js';

/**
 * The original DraftStore REST shape (its Go server's JSON for draft.v1 messages):
 * success is `{"result":{"success":true}, ...fields}`, failure is
 * `{"result":{"error_message":"...","error_type":N}}` with the HTTP status from the
 * shared error table and N from draft.v1.ErrorType.
 */
export const compatSuccess = (fields: Readonly<Record<string, unknown>> = {}) =>
  jsonResponse(200, { result: { success: true }, ...fields });

const isDraftErrorCode = (code: string): code is DraftErrorCode =>
  (DRAFT_ERROR_CODES as readonly string[]).includes(code);

export const compatErrorBody = (code: string, message: string) => ({
  result: {
    error_message: message,
    error_type: isDraftErrorCode(code) ? ERROR_TABLE[code].errorType : ErrorTypeNumber.UNSPECIFIED,
  },
});

export const COMPAT_ROUTE: RouteOptions = { errorFormat: compatErrorBody };

/** The error shape a path documents: the original one under /api/v1/draft/, else `{error}`. */
export const errorFormatFor = (path: string): ErrorBodyFormat =>
  isCompatPath(path) ? compatErrorBody : errorBody;
