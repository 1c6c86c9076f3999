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

  constructor(
    status: number,
    code: string,
    message: string,
    options?: { cause?: unknown; reason?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.reason = options?.reason;
  }
}

export const abortedError = (): DraftStoreError =>
  new DraftStoreError(0, 'aborted', 'The upload was cancelled.');

export const isAborted = (error: unknown): boolean =>
  error instanceof DraftStoreError && error.code === 'aborted';
