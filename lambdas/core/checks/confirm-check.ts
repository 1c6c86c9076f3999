import type { ObjectInfo } from '../object-store.js';

/**
 * Reads a byte range of a draft, bound to the ETag it was inspected at: bytes of a newer
 * upload fail with `conflict` rather than being judged for the older one.
 */
export interface DraftBytes {
  /** Up to `length` bytes from `start` (fewer at the end of the object). */
  readRange(request: RangeRequest): Promise<Uint8Array>;
  /** The whole object as a stream of chunks (bounded memory), bound to the ETag likewise. */
  readStream(request: Omit<RangeRequest, 'start' | 'length'>): Promise<AsyncIterable<Uint8Array>>;
}

export interface RangeRequest {
  readonly bucket: string;
  readonly key: string;
  readonly start: number;
  readonly length: number;
  readonly ifMatch: string;
}

/** The draft a check looks at: what the store says about it, and its bytes on demand. */
export interface DraftUnderCheck {
  readonly bucket: string;
  readonly key: string;
  readonly info: ObjectInfo;
  /** The declared type's essence: lower case, without parameters; undefined when none is stored. */
  readonly declaredType: string | undefined;
  /** The first bytes (at most HEAD_BYTES), read once however many checks ask. */
  head(): Promise<Uint8Array>;
  /** More bytes, for a format whose header lies past the first read. */
  range(start: number, length: number): Promise<Uint8Array>;
  /** Every byte, streamed (for a scanner). */
  stream(): Promise<AsyncIterable<Uint8Array>>;
}

/** What the checks learned about a draft that passed them. */
export interface Findings {
  /** The type the bytes were recognised as, when they were. */
  readonly detectedType?: string;
  /** An image's size in pixels. */
  readonly width?: number;
  readonly height?: number;
}

/**
 * One check confirm runs before a draft may reach main. It passes by returning what it
 * learned, and refuses by throwing a DraftError (`content_rejected` with a reason,
 * `scan_pending`, `scanner_unavailable`). Checks run in order and see what earlier ones found.
 */
export interface ConfirmCheck {
  readonly name: string;
  inspect(draft: DraftUnderCheck, found: Findings): Promise<Findings>;
}
