import { DraftError } from '../errors.js';
import type { ConfirmCheck, DraftUnderCheck, Findings } from './confirm-check.js';

/** Reads an object's tags (GuardDuty Malware Protection for S3 writes its verdict as one). */
export interface ObjectTags {
  tagsOf(bucket: string, key: string): Promise<Readonly<Record<string, string>>>;
}

/** The tag GuardDuty Malware Protection for S3 sets on each object it scanned. */
export const GUARDDUTY_STATUS_TAG = 'GuardDutyMalwareScanStatus';

export interface GuardDutyCheckOptions {
  readonly tags: ObjectTags;
  /** Statuses other than NO_THREATS_FOUND / THREATS_FOUND (UNSUPPORTED, ACCESS_DENIED, FAILED) that pass. */
  readonly passStatuses: readonly string[];
  /** Retry-After of a draft not scanned yet. */
  readonly retryAfterSeconds: number;
}

/**
 * GuardDuty's verdict, read from the draft's tag. The tag belongs to the object it scanned:
 * a re-upload replaces the object and its tags, so an old verdict never covers new bytes.
 */
export const guardDutyCheck = (options: GuardDutyCheckOptions): ConfirmCheck => ({
  name: 'guardduty',
  async inspect(draft: DraftUnderCheck): Promise<Findings> {
    const status = (await options.tags.tagsOf(draft.bucket, draft.key))[GUARDDUTY_STATUS_TAG];
    if (status === undefined) {
      throw new DraftError(
        'scan_pending',
        'The draft has not been scanned yet; confirm again later.',
        {
          retryAfterSeconds: options.retryAfterSeconds,
        },
      );
    }
    if (status === 'NO_THREATS_FOUND') return {};
    if (status === 'THREATS_FOUND') {
      throw new DraftError('content_rejected', 'The draft contains malware (GuardDuty).', {
        reason: 'malware_detected',
      });
    }
    if (options.passStatuses.includes(status)) return {};
    throw new DraftError(
      'content_rejected',
      `The draft could not be scanned (GuardDuty: ${status}).`,
      {
        reason: 'scan_failed',
      },
    );
  },
});
