import * as z from 'zod/mini';
import { stage } from './fields.js';

/**
 * The answers of the REST API. Handlers build them; the OpenAPI document and clients
 * read their types from here, so there is one definition of each shape.
 */

const isoTimestamp = z.string().check(z.iso.datetime());
const headers = z.record(z.string(), z.string());

export const uploadUrlResponse = z.object({
  upload_url: z.string(),
  method: z.literal('PUT'),
  /** Every header the URL signs: the client must send exactly these. */
  headers,
  object_name: z.string(),
  expires_at: isoTimestamp,
});
export type UploadUrlResponse = z.output<typeof uploadUrlResponse>;

export const uploadFormResponse = z.object({
  url: z.string(),
  method: z.literal('POST'),
  fields: headers,
  object_name: z.string(),
  content_type: z.string(),
  content_length_range: z.tuple([z.number(), z.number()]),
  expires_at: isoTimestamp,
});
export type UploadFormResponse = z.output<typeof uploadFormResponse>;

export const downloadUrlResponse = z.object({
  download_url: z.string(),
  object_name: z.string(),
  stage,
  expires_at: isoTimestamp,
});
export type DownloadUrlResponse = z.output<typeof downloadUrlResponse>;

export const confirmResponse = z.object({
  success: z.literal(true),
  object_name: z.string(),
  final_location: z.string(),
  size: z.number(),
  content_type: z.nullable(z.string()),
  etag: z.string(),
});
export type ConfirmResponse = z.output<typeof confirmResponse>;

const bucketState = z.enum(['ok', 'unavailable']);
export const healthResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  buckets: z.object({ draft: bucketState, main: bucketState }),
});
export type HealthResponse = z.output<typeof healthResponse>;

export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type ErrorResponse = z.output<typeof errorResponse>;
