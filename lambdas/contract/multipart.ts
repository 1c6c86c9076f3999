import * as z from 'zod/mini';
import { MAX_PARTS_PER_SIGN } from '../core/part-plan.js';
import {
  MAX_OBJECT_BYTES,
  MAX_PART_BYTES,
  MAX_PART_COUNT as MAX_PART_NUMBER,
} from '../core/s3-limits.js';
import { contentMd5, contentType, objectName } from './fields.js';

/**
 * The multipart upload routes (`/api/v1/multipart/*`): requests and answers. Limits that
 * depend on the upload (part numbers up to its part count) are the domain's to check.
 */

const wholeNumber = (min: number, max: number, what: string) =>
  z
    .number({ error: 'must be a number' })
    .check(
      z.int('must be a whole number'),
      z.minimum(min, `must be at least ${min}`),
      z.maximum(max, `must be at most ${max} (${what})`),
    );

const partNumber = wholeNumber(1, MAX_PART_NUMBER, "S3's most parts");

const uploadReference = {
  object_name: objectName,
  upload_id: z
    .string({ error: 'must be a string' })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(1024, 'is too long')),
  upload_token: z
    .string({ error: 'must be a string' })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(4096, 'is too long')),
};

export const multipartCreateRequest = z.strictObject({
  object_name: objectName,
  content_length: wholeNumber(1, MAX_OBJECT_BYTES, "S3's largest object"),
  content_type: z.optional(contentType),
  part_size: z.optional(wholeNumber(1, MAX_PART_BYTES, "S3's largest part")),
});
export type MultipartCreateRequest = z.output<typeof multipartCreateRequest>;

export const multipartSignPartsRequest = z.strictObject({
  ...uploadReference,
  part_numbers: z
    .array(partNumber, { error: 'must be an array of part numbers' })
    .check(
      z.minLength(1, 'must list at least one part'),
      z.maxLength(MAX_PARTS_PER_SIGN, `must list at most ${MAX_PARTS_PER_SIGN} parts per call`),
    ),
  content_md5: z.optional(
    z.record(z.string().check(z.regex(/^[1-9]\d{0,4}$/, 'keys must be part numbers')), contentMd5),
  ),
});
export type MultipartSignPartsRequest = z.output<typeof multipartSignPartsRequest>;

export const multipartListPartsRequest = z.strictObject(uploadReference);
export type MultipartListPartsRequest = z.output<typeof multipartListPartsRequest>;

export const multipartCompleteRequest = z.strictObject({
  ...uploadReference,
  parts: z
    .array(
      z.strictObject({
        part_number: partNumber,
        etag: z
          .string({ error: 'must be a string' })
          .check(z.minLength(1, 'must not be empty'), z.maxLength(1024, 'is too long')),
      }),
      { error: 'must be an array of {part_number, etag}' },
    )
    .check(
      z.minLength(1, 'must list at least one part'),
      z.maxLength(MAX_PART_NUMBER, `must list at most ${MAX_PART_NUMBER} parts`),
    ),
});
export type MultipartCompleteRequest = z.output<typeof multipartCompleteRequest>;

export const multipartAbortRequest = z.strictObject(uploadReference);
export type MultipartAbortRequest = z.output<typeof multipartAbortRequest>;
