import { DraftError } from './errors.js';
import { MAX_KEY_BYTES } from './s3-limits.js';

/**
 * Where a listing continues: the last key (or rolled-up prefix) the previous page ended
 * with, as a full key in the store. The client sees it as an opaque string; it is only
 * ever accepted back for the listing it came from, whose keys all start with the
 * caller's own `<owner>/<prefix>`, so no cursor can start a listing in another
 * owner's space.
 */
export interface ListPosition {
  /** The full key (owner segment included) the next page starts after. */
  readonly after: string;
  /** `after` is a rolled-up common prefix: every key under it was already answered. */
  readonly rolledUp: boolean;
}

const VERSION = 1;

interface CursorPayload {
  v: number;
  a: string;
  r?: 1;
}

export const encodeCursor = (position: ListPosition): string =>
  Buffer.from(
    JSON.stringify({
      v: VERSION,
      a: position.after,
      ...(position.rolledUp && { r: 1 }),
    } satisfies CursorPayload),
    'utf8',
  ).toString('base64url');

const refused = (problem: string): DraftError =>
  new DraftError('invalid_request', `cursor: ${problem}`);

/**
 * Whether `text` could be a key this API wrote, as every issued position is: well-formed
 * UTF-16 (a lone surrogate cannot even be sent to the store), no control character, and
 * no longer than a key.
 */
const isKey = (text: string): boolean =>
  text.isWellFormed() && !/\p{Cc}/u.test(text) && Buffer.byteLength(text, 'utf8') <= MAX_KEY_BYTES;

/**
 * Reads a cursor back, and refuses it unless it lies inside `listingPrefix` (the
 * caller's `<owner>/<prefix>`): a cursor edited to point elsewhere, or replayed with
 * another prefix, is refused rather than listed.
 */
export const decodeCursor = (cursor: string, listingPrefix: string): ListPosition => {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw refused('not a cursor this API issued');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refused('not a cursor this API issued');
  }
  const { v, a, r } = (payload ?? {}) as Partial<CursorPayload>;
  if (v !== VERSION || typeof a !== 'string' || (r !== undefined && r !== 1) || !isKey(a)) {
    throw refused('not a cursor this API issued');
  }
  if (!a.startsWith(listingPrefix) || a.length === listingPrefix.length) {
    throw refused('it belongs to another listing (another owner, prefix or stage)');
  }
  return { after: a, rolledUp: r === 1 };
};

/** S3 orders keys by their UTF-8 bytes, which JavaScript's `<` on strings does not. */
export const compareKeys = (left: string, right: string): number =>
  Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));

/**
 * The largest code point: a key that continues a rolled-up prefix with it sorts after
 * every other key under that prefix, so StartAfter skips the whole folder.
 */
export const AFTER_EVERYTHING = '\u{10FFFF}';
