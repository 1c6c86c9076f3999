import * as z from 'zod/mini';
import { MAX_KEY_BYTES, MAX_KEYS_PER_LIST_PAGE } from '../core/s3-limits.js';

/**
 * Field schemas shared by every request of the API. They use `zod/mini`, which tree-shakes
 * to the checks actually used: the full `zod` import would put every locale and the
 * JSON-schema converters into each Lambda bundle.
 */

// No longer than a key can be; the domain applies the exact byte limits.
export const objectName = z
  .string({ error: 'must be a string' })
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(MAX_KEY_BYTES, `must be at most ${MAX_KEY_BYTES} characters`),
  );

// A quoted parameter value holds printable ASCII only: the type is sent as a header, and
// a control or non-ASCII character there is refused by Node, browsers and the store alike.
const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[\x20\x21\x23-\x5b\x5d-\x7e]*"|[A-Za-z0-9!#$&^_.+-]+))*$/;

// The length check aborts, so an over-long value is reported as such and never
// reaches the pattern.
export const contentType = z
  .string({ error: 'must be a string' })
  .check(
    z.maxLength(255, { message: 'must be at most 255 characters', abort: true }),
    z.regex(MEDIA_TYPE, 'must be a media type such as "image/png"'),
  );

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Base64 of exactly `bytes` bytes (a digest), described as `what` in the error. */
export const base64Of = (bytes: number, what: string) =>
  z.string({ error: 'must be a string' }).check(
    z.refine((value) => BASE64.test(value) && decodedLength(value) === bytes, {
      message: `must be the base64 ${what} (${bytes} bytes)`,
    }),
  );

// Counted without Buffer, so the contract also runs in browsers.
const decodedLength = (value: string): number =>
  (value.length / 4) * 3 - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);

export const contentLength = z
  .number({ error: 'must be a number' })
  .check(
    z.int('must be a whole number'),
    z.nonnegative('must not be negative'),
    z.maximum(Number.MAX_SAFE_INTEGER, 'is too large'),
  );

export const contentMd5 = base64Of(16, 'MD5 of the body');
export const checksumSha256 = base64Of(32, 'SHA-256 of the body');

export const stage = z.enum(['draft', 'main'], { error: 'must be "draft" or "main"' });

/**
 * Custom metadata, stored as `x-amz-meta-<key>`. The domain applies the same rules and the
 * 2 KiB total (lambdas/core/user-metadata.ts); these checks word them per field.
 */
export const userMetadata = z.record(
  z
    .string()
    .check(z.regex(/^[a-z0-9-]{1,64}$/, 'keys must be 1 to 64 lowercase letters, digits or "-"')),
  z
    .string({ error: 'must be a string' })
    .check(z.regex(/^[\x20-\x7e]*$/, 'must be printable ASCII')),
  { error: 'must be an object of string values' },
);

export const listLimit = z
  .number({ error: 'must be a number' })
  .check(
    z.int('must be a whole number'),
    z.minimum(1, `must be from 1 to ${MAX_KEYS_PER_LIST_PAGE}`),
    z.maximum(MAX_KEYS_PER_LIST_PAGE, `must be from 1 to ${MAX_KEYS_PER_LIST_PAGE}`),
  );

export const listPrefix = z
  .string({ error: 'must be a string' })
  .check(z.maxLength(MAX_KEY_BYTES, `must be at most ${MAX_KEY_BYTES} characters`));

export const listDelimiter = z.literal('/', { error: 'must be "/"' });

export const listCursor = z
  .string({ error: 'must be a string' })
  .check(z.maxLength(4096, 'must be at most 4096 characters'));
