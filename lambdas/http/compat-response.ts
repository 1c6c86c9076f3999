import { z } from 'zod';
import { uploadUrlRequest } from './schemas.js';
import { DRAFT_ERROR_CODES, type DraftErrorCode } from '../core/errors.js';
import { ERROR_TABLE, ErrorTypeNumber } from '../error-table.js';
import type { RouteOptions } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/**
 * The original DraftStore REST shape (its Go server's JSON for draft.v1 messages):
 * success is `{"result":{"success":true}, ...fields}`, failure is
 * `{"result":{"error_message":"...","error_type":N}}` with the HTTP status from the
 * shared error table and N from draft.v1.ErrorType.
 */
export const compatSuccess = (fields: Record<string, unknown> = {}) =>
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

/**
 * The original request body: `{"object_name": "..."}`. Like the Go server's decoder it
 * ignores unknown fields; the domain validates the name itself.
 */
export const compatObjectRequest = z.object({
  object_name: z.string({ error: 'must be a string' }).max(1024, 'must be at most 1024 characters'),
});

/**
 * The original upload request, which may also carry the fields the modern route signs:
 * without them a configured type list or size limit would refuse every upload. Old
 * clients, which never send them, are unaffected.
 */
export const compatUploadRequest = compatObjectRequest.extend({
  content_type: uploadUrlRequest.shape.content_type,
  content_length: uploadUrlRequest.shape.content_length,
});
