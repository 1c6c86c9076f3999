import { createHash } from 'node:crypto';
import { DraftError } from './errors.js';

/** S3's limit on a key, counted in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/**
 * File-system backed stores (MinIO, the embedded store) map each `/` segment to a
 * directory entry, and those are capped at 255 bytes.
 */
export const MAX_SEGMENT_BYTES = 255;

export const ANONYMOUS_OWNER = 'anonymous';

/** A client's object name, checked and placed in its owner's namespace. */
export interface OwnedKey {
  /** The name as the client knows it, NFC-normalised. */
  readonly name: string;
  /** `<owner>/<name>`: the key in both buckets. */
  readonly key: string;
}

const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

const invalid = (message: string): DraftError => new DraftError('invalid_object_name', message);

/**
 * The owner's key segment. Principals come from an identity provider and may hold
 * `/`, `|` or other characters, so they are percent-encoded: two owners can never
 * share a segment and no owner can climb out of theirs. A principal too long to be
 * one segment is replaced by `sha256:<hex>` of it; `:` never survives encoding, so
 * that form cannot collide with an encoded principal.
 */
export const ownerSegment = (principal: string | undefined): string => {
  if (principal === undefined) return ANONYMOUS_OWNER;
  if (
    principal.length === 0 ||
    principal === '.' ||
    principal === '..' ||
    // Reserved for callers without a principal, whose objects no token may reach.
    principal === ANONYMOUS_OWNER ||
    !principal.isWellFormed()
  ) {
    throw new DraftError('unauthenticated', 'The authenticated principal cannot own objects.');
  }
  const encoded = encodeURIComponent(principal);
  return utf8Bytes(encoded) <= MAX_SEGMENT_BYTES
    ? encoded
    : `sha256:${createHash('sha256').update(principal, 'utf8').digest('hex')}`;
};

/** Validates a client's object name and prefixes it with the owner's segment. */
export const ownedKey = (owner: string, rawName: string): OwnedKey => {
  if (typeof rawName !== 'string' || rawName.length === 0) {
    throw invalid('object_name must be a non-empty string.');
  }
  if (!rawName.isWellFormed()) throw invalid('object_name must be valid UTF-8.');
  const name = rawName.normalize('NFC');
  if (CONTROL_CHARACTERS.test(name))
    throw invalid('object_name must not contain control characters.');
  if (name.includes('\\')) throw invalid('object_name must not contain a backslash.');
  if (name.startsWith('/')) throw invalid('object_name must not start with "/".');
  const segments = name.split('/');
  for (const segment of segments) {
    if (segment === '')
      throw invalid('object_name must not contain empty segments ("//" or a trailing "/").');
    if (segment === '.' || segment === '..')
      throw invalid('object_name must not contain "." or ".." segments.');
    if (utf8Bytes(segment) > MAX_SEGMENT_BYTES) {
      throw invalid(
        `Each "/"-separated part of object_name must be at most ${MAX_SEGMENT_BYTES} bytes.`,
      );
    }
  }
  const key = `${owner}/${name}`;
  if (utf8Bytes(key) > MAX_KEY_BYTES) {
    throw invalid(
      `object_name is too long: at most ${MAX_KEY_BYTES - utf8Bytes(owner) - 1} UTF-8 bytes for this owner.`,
    );
  }
  return { name, key };
};
