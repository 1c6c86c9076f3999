import * as z from 'zod/mini';

/**
 * The answers of the multipart upload routes (`/api/v1/multipart/*`). Apart from their
 * requests, so that draft.v1's bundle, which answers in protobuf, leaves them out.
 */

const isoTimestamp = z.string().check(z.iso.datetime());

export const multipartCreateResponse = z.object({
  upload_id: z.string(),
  /** Opaque; send it back unchanged with every later call of this upload. */
  upload_token: z.string(),
  object_name: z.string(),
  part_size: z.number(),
  part_count: z.number(),
  /** When the upload token expires (and the sweep may abort the upload). */
  expires_at: isoTimestamp,
});
export type MultipartCreateResponse = z.output<typeof multipartCreateResponse>;

export const multipartSignPartsResponse = z.object({
  parts: z.array(
    z.object({
      part_number: z.number(),
      url: z.string(),
      method: z.literal('PUT'),
      /** Every header the URL signs: send exactly these. */
      headers: z.record(z.string(), z.string()),
    }),
  ),
  expires_at: isoTimestamp,
});
export type MultipartSignPartsResponse = z.output<typeof multipartSignPartsResponse>;

export const multipartListPartsResponse = z.object({
  parts: z.array(z.object({ part_number: z.number(), etag: z.string(), size: z.number() })),
});
export type MultipartListPartsResponse = z.output<typeof multipartListPartsResponse>;

export const multipartCompleteResponse = z.object({
  object_name: z.string(),
  size: z.number(),
  etag: z.string(),
});
export type MultipartCompleteResponse = z.output<typeof multipartCompleteResponse>;

export const multipartAbortResponse = z.object({ aborted: z.literal(true) });
export type MultipartAbortResponse = z.output<typeof multipartAbortResponse>;
