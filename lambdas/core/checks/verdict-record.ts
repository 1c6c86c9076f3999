import type { RejectionReason } from '../errors.js';

/**
 * Where confirm records that it refused a draft, bound to the draft's ETag: a re-upload
 * (another ETag) is judged afresh, and the old verdict never covers new bytes. The S3
 * adapter keeps it as object tags, which the embedded store, Ceph RGW and AWS all support.
 */
export interface VerdictRecord {
  recordRejection(
    bucket: string,
    key: string,
    etag: string,
    reason: RejectionReason,
  ): Promise<void>;
  /** The reason a draft with this ETag was refused, if it was. */
  rejection(bucket: string, key: string, etag: string): Promise<RejectionReason | undefined>;
}
