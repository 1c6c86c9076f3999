import type { RejectionReason } from './errors.js';

/** The name of the event every confirmed object produces, in AWS and locally. */
export const OBJECT_CONFIRMED = 'draftstore.object.confirmed';

/** What a consumer (thumbnailer, indexer, scanner) learns about a confirmed object. */
export interface ObjectConfirmed {
  readonly owner: string;
  readonly object_name: string;
  readonly key: string;
  readonly bucket: string;
  readonly size: number;
  readonly content_type: string | null;
  readonly etag: string;
  /** An image's size in pixels (confirm's image rules read it from the header). */
  readonly width?: number;
  readonly height?: number;
}

/** The name of the event every draft that confirm refuses produces. */
export const OBJECT_REJECTED = 'draftstore.object.rejected';

/** What a consumer learns about a draft confirm refused (it stays in the draft bucket). */
export interface ObjectRejected {
  readonly owner: string;
  readonly object_name: string;
  readonly key: string;
  readonly reason: RejectionReason;
  readonly detected_type?: string;
  readonly etag: string;
}

/**
 * The events port. Confirm publishes after the copy and before it deletes the draft, so a
 * confirm that fails anywhere before the end leaves the draft, and its retry publishes
 * again: delivery is at least once. A publisher that cannot deliver throws, failing the
 * confirm (which the client retries). In AWS no publisher is wired: S3's own EventBridge
 * notification of the copy into main is the event (see lib/draftstore/confirmation-events.ts).
 */
export interface ConfirmationEvents {
  objectConfirmed(event: ObjectConfirmed): Promise<void>;
  /** Published once a refusal is recorded; a failed delivery fails the confirm, whose retry refuses and publishes again. */
  objectRejected(event: ObjectRejected): Promise<void>;
}
