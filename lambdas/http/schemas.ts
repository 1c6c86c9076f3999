import { z } from 'zod';

// Generous enough for any valid name; the domain applies the exact byte limits.
const objectName = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters');

const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\\\r\n]*"|[A-Za-z0-9!#$&^_.+-]+))*$/;

const base64Of = (bytes: number, what: string) =>
  z
    .string({ error: 'must be a string' })
    .refine(
      (value) =>
        /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === bytes,
      {
        message: `must be the base64 ${what} (${bytes} bytes)`,
      },
    );

const contentType = z
  .string({ error: 'must be a string' })
  .max(255)
  .regex(MEDIA_TYPE, 'must be a media type such as "image/png"');

export const uploadUrlRequest = z.strictObject({
  object_name: objectName,
  content_type: contentType.optional(),
  content_length: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .nonnegative('must not be negative')
    .max(Number.MAX_SAFE_INTEGER)
    .optional(),
  content_md5: base64Of(16, 'MD5 of the body').optional(),
  checksum_sha256: base64Of(32, 'SHA-256 of the body').optional(),
});

export const uploadFormRequest = z.strictObject({
  object_name: objectName,
  content_type: contentType.optional(),
});

export const stage = z.enum(['draft', 'main'], { error: 'must be "draft" or "main"' });

export const downloadUrlRequest = z.strictObject({
  object_name: objectName,
  stage: stage.optional(),
});

export const confirmRequest = z.strictObject({ object_name: objectName });
