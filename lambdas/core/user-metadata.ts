import { cutText } from './cut-text.js';
import { DraftError } from './errors.js';
import { MAX_METADATA_BYTES } from './s3-limits.js';

/**
 * Keys DraftStore writes itself (the confirm marker) start with this. A client may not
 * set them, and they are never shown back as the client's metadata.
 */
export const RESERVED_METADATA_PREFIX = 'draftstore-';

/**
 * What confirm adds to every confirmed object (`draftstore-confirmed-from`: a multipart
 * ETag of at most 38 characters), kept free so that the copy into main never goes
 * over S3's limit.
 */
export const RESERVED_METADATA_BYTES = 64;
/** The client's share of the 2 KiB. */
export const MAX_USER_METADATA_BYTES = MAX_METADATA_BYTES - RESERVED_METADATA_BYTES;
export const MAX_METADATA_KEY_BYTES = 64;

export type UserMetadata = Readonly<Record<string, string>>;

const KEY = /^[a-z0-9-]+$/;
// Printable ASCII: HTTP headers carry nothing else unchanged.
const VALUE = /^[\x20-\x7e]*$/;

const invalid = (key: string | undefined, problem: string): DraftError =>
  new DraftError(
    'invalid_request',
    `metadata${key === undefined ? '' : `.${cutText(key, MAX_METADATA_KEY_BYTES, '…')}`}: ${problem}`,
  );

/**
 * Checks a client's metadata before anything is signed with it. Values must survive a
 * header round trip byte for byte, so leading or trailing spaces (which HTTP strips)
 * are refused rather than silently changed.
 */
export const checkUserMetadata = (metadata: UserMetadata | undefined): UserMetadata => {
  if (metadata === undefined) return {};
  let total = 0;
  for (const [key, value] of Object.entries(metadata)) {
    if (!KEY.test(key)) {
      throw invalid(key, 'keys must be lowercase letters, digits and "-"');
    }
    if (key.length > MAX_METADATA_KEY_BYTES) {
      throw invalid(key, `keys must be at most ${MAX_METADATA_KEY_BYTES} bytes`);
    }
    if (key.startsWith(RESERVED_METADATA_PREFIX)) {
      throw invalid(key, `keys starting with "${RESERVED_METADATA_PREFIX}" are reserved`);
    }
    if (typeof value !== 'string' || !VALUE.test(value)) {
      throw invalid(key, 'values must be printable ASCII');
    }
    if (value !== value.trim()) {
      throw invalid(key, 'values must not start or end with a space');
    }
    total += key.length + value.length;
  }
  if (total > MAX_USER_METADATA_BYTES) {
    throw invalid(
      undefined,
      `keys and values must be at most ${MAX_USER_METADATA_BYTES} bytes in total (S3 allows ${MAX_METADATA_BYTES}; DraftStore keeps ${RESERVED_METADATA_BYTES} for its confirm marker); got ${total}`,
    );
  }
  return { ...metadata };
};

/** The bytes S3 counts against its 2 KiB: every key and value (printable ASCII here). */
export const metadataBytes = (metadata: UserMetadata): number =>
  Object.entries(metadata).reduce((total, [key, value]) => total + key.length + value.length, 0);

/** The client's own metadata of a stored object: DraftStore's internal keys left out. */
export const publicMetadata = (stored: UserMetadata): UserMetadata =>
  Object.fromEntries(
    Object.entries(stored).filter(([key]) => !key.startsWith(RESERVED_METADATA_PREFIX)),
  );
