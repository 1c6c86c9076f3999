/**
 * Every failure the domain can report. Adapters translate these to HTTP statuses,
 * Connect codes and draft.v1 ErrorType values through one table (lambdas/error-table.ts).
 */
export const DRAFT_ERROR_CODES = [
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'invalid_object_name',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'bucket_not_found',
  'storage_unavailable',
  'internal',
] as const;

export type DraftErrorCode = (typeof DRAFT_ERROR_CODES)[number];

/**
 * A failure with a message that is safe to show to a client. The underlying error,
 * which may name buckets or carry credentials in a request dump, goes in `cause` and
 * is only ever logged.
 */
export class DraftError extends Error {
  override readonly name = 'DraftError';

  constructor(
    readonly code: DraftErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isDraftError = (error: unknown): error is DraftError => error instanceof DraftError;
