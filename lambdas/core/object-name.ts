import { createHash } from 'node:crypto';
import { DraftError } from './errors.js';
import { MAX_KEY_BYTES } from './s3-limits.js';

/**
 * File-system backed stores (MinIO, the embedded store) map each `/` segment to a
 * directory entry, and those are capped at 255 bytes. AWS S3 and Ceph RGW have no such
 * limit, but a name that only some stores can hold would break moving between them.
 */
export const MAX_SEGMENT_BYTES = 255;

/**
 * What the configured store can hold. Composition passes a store's own limit (the
 * embedded store appends its own suffixes to the last segment, so it holds less).
 */
export interface NamePolicy {
  /** The most UTF-8 bytes in one `/`-separated segment of an object name. */
  readonly maxSegmentBytes: number;
  /** Text the store uses in its own file names, refused in any segment. @default none */
  readonly reservedSubstrings?: readonly string[];
}

export const DEFAULT_NAME_POLICY: NamePolicy = { maxSegmentBytes: MAX_SEGMENT_BYTES };

export const ANONYMOUS_OWNER = 'anonymous';

/** A client's object name, checked and placed in its owner's namespace. */
export interface OwnedKey {
  /** The name as the client knows it, NFC-normalised. */
  readonly name: string;
  /** `<owner>/<name>`: the key in both buckets. */
  readonly key: string;
}

const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

/**
 * Characters a person never means to put in a file name, by Unicode general category:
 * controls (Cc), invisible format characters such as U+200B, the BOM and the
 * right-to-left override U+202E (Cf), surrogates (Cs), private use (Co), unassigned
 * code points and noncharacters such as U+FFFF (Cn), and line and paragraph separators
 * (Zl, Zp). Cf includes U+200D, so emoji joined with a zero-width joiner are refused too.
 */
const UNWANTED_CHARACTER = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
/** Space separators (U+0020, U+00A0, U+3000, ...) at either end of a segment are invisible. */
const EDGE_SPACE = /^\p{Zs}|\p{Zs}$/u;
/**
 * `${filename}` is a placeholder to presigned-POST libraries and S3 form policies: a key
 * ending in it is signed as `starts-with`, so the form could store any name after it.
 */
const FILENAME_PLACEHOLDER = '${filename}';

const codePoint = (character: string): string =>
  `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

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

/**
 * The owner's segment is a key segment too, so a store's name policy holds for it. Most
 * stores take any segment ownerSegment makes (at most 255 bytes); one with a tighter
 * policy (the embedded store) refuses some principals, as ownerSegment refuses others.
 */
const checkOwnerFits = (owner: string, policy: NamePolicy): void => {
  const cannot = (why: string) =>
    new DraftError(
      'unauthenticated',
      `The authenticated principal cannot own objects on this store: its key segment ${why}.`,
    );
  const reserved = policy.reservedSubstrings?.find((text) => owner.includes(text));
  if (reserved !== undefined) {
    throw cannot(`contains "${reserved}", which the store uses itself`);
  }
  const bytes = utf8Bytes(owner);
  if (bytes > policy.maxSegmentBytes) {
    throw cannot(`is ${bytes} UTF-8 bytes; the most is ${policy.maxSegmentBytes}`);
  }
};

/** Validates a client's object name and prefixes it with the owner's segment. */
export const ownedKey = (
  owner: string,
  rawName: string,
  policy: NamePolicy = DEFAULT_NAME_POLICY,
): OwnedKey => {
  checkOwnerFits(owner, policy);
  if (typeof rawName !== 'string' || rawName.length === 0) {
    throw invalid('object_name must be a non-empty string.');
  }
  if (!rawName.isWellFormed()) throw invalid('object_name must be valid UTF-8.');
  const name = rawName.normalize('NFC');
  const unwanted = UNWANTED_CHARACTER.exec(name)?.[0];
  if (unwanted !== undefined) {
    throw invalid(
      `object_name must not contain ${codePoint(unwanted)}: control, format, private-use, unassigned and line or paragraph separator characters are refused.`,
    );
  }
  if (name.includes('\\')) throw invalid('object_name must not contain a backslash.');
  if (name.includes(FILENAME_PLACEHOLDER)) {
    throw invalid('object_name must not contain "${filename}".');
  }
  if (name.startsWith('/')) throw invalid('object_name must not start with "/".');
  const segments = name.split('/');
  for (const segment of segments) {
    if (segment === '')
      throw invalid('object_name must not contain empty segments ("//" or a trailing "/").');
    if (segment === '.' || segment === '..')
      throw invalid('object_name must not contain "." or ".." segments.');
    if (EDGE_SPACE.test(segment)) {
      throw invalid(
        'object_name must not have a space at the start or end of a "/"-separated part.',
      );
    }
    const reserved = policy.reservedSubstrings?.find((text) => segment.includes(text));
    if (reserved !== undefined) {
      throw invalid(
        `object_name must not contain "${reserved}" on this store: the store uses it itself.`,
      );
    }
    const bytes = utf8Bytes(segment);
    if (bytes > policy.maxSegmentBytes) {
      throw invalid(
        `Each "/"-separated part of object_name must be at most ${policy.maxSegmentBytes} UTF-8 bytes on this store; one part is ${bytes}.`,
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
