/**
 * Every failure the SDK reports: an API error keeps the REST `{error: {code, message}}`
 * (e.g. 413 `payload_too_large`); a store error keeps the S3 status and `<Code>`
 * (e.g. 403 `SignatureDoesNotMatch`); a failure without an answer has status 0
 * (`network_error`, or `aborted` when the caller's signal fired).
 */
export class DraftStoreError extends Error {
  override readonly name = 'DraftStoreError';
  readonly status: number;
  readonly code: string;
  /**
   * With `content_rejected`: why confirm refused the draft (`type_mismatch`, `image_too_large`,
   * `image_unreadable`, `malware_detected`, `scan_failed`).
   */
  readonly reason: string | undefined;
  /**
   * The API's `Retry-After`, in milliseconds, when it sent one (429 `rate_limited`, 409
   * `scan_pending`, a 503): when asking again may succeed.
   */
  readonly retryAfterMs: number | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options?: { cause?: unknown; reason?: string; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.reason = options?.reason;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export const abortedError = (): DraftStoreError =>
  new DraftStoreError(0, 'aborted', 'The upload was cancelled.');

export const isAborted = (error: unknown): boolean =>
  error instanceof DraftStoreError && error.code === 'aborted';
