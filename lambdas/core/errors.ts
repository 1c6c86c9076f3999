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
  'quota_exceeded',
  'unsupported_media_type',
  'content_rejected',
  'scan_pending',
  'scanner_unavailable',
  'bucket_not_found',
  'storage_unavailable',
  'internal',
] as const;

export type DraftErrorCode = (typeof DRAFT_ERROR_CODES)[number];

/** Why confirm refused a draft's content (`content_rejected`): machine-readable, documented. */
export const REJECTION_REASONS = [
  'type_mismatch',
  'image_too_large',
  'image_unreadable',
  'malware_detected',
  'scan_failed',
] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** The response header that carries a rejection's reason where the body has no field for it. */
export const REJECTION_REASON_HEADER = 'draftstore-rejection-reason';

export interface DraftErrorOptions {
  readonly cause?: unknown;
  /** With `content_rejected`: why. */
  readonly reason?: RejectionReason;
  /** With `content_rejected`: the type the bytes were found to be, when one was. */
  readonly detectedType?: string;
  /** With a retryable code (`scan_pending`): when to ask again, in seconds. */
  readonly retryAfterSeconds?: number;
}

/**
 * A failure with a message that is safe to show to a client. The underlying error,
 * which may name buckets or carry credentials in a request dump, goes in `cause` and
 * is only ever logged.
 */
export class DraftError extends Error {
  override readonly name = 'DraftError';

  readonly reason: RejectionReason | undefined;
  readonly detectedType: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: DraftErrorCode,
    message: string,
    options: DraftErrorOptions = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.reason = options.reason;
    this.detectedType = options.detectedType;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isDraftError = (error: unknown): error is DraftError => error instanceof DraftError;
