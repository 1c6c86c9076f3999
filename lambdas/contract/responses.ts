import * as z from 'zod/mini';
import { stage } from './fields.js';
import { REJECTION_REASONS } from '../core/errors.js';

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
  /** An image's size in pixels, read from its header at confirm. */
  width: z.optional(z.number()),
  height: z.optional(z.number()),
});
export type ConfirmResponse = z.output<typeof confirmResponse>;

const metadata = z.record(z.string(), z.string());

export const objectInfoResponse = z.object({
  object_name: z.string(),
  stage,
  size: z.number(),
  content_type: z.nullable(z.string()),
  etag: z.string(),
  last_modified: z.nullable(isoTimestamp),
  /** The client's own metadata, as uploaded. */
  metadata,
  /** A confirmed image's size in pixels, as confirm read it. */
  width: z.optional(z.number()),
  height: z.optional(z.number()),
});
export type ObjectInfoResponse = z.output<typeof objectInfoResponse>;

export const listedObject = z.object({
  object_name: z.string(),
  size: z.number(),
  /** Only where the store lists it without an extra request per object. */
  content_type: z.optional(z.string()),
  etag: z.string(),
  last_modified: isoTimestamp,
});

export const listObjectsResponse = z.object({
  objects: z.array(listedObject),
  /** Folders (with `delimiter: "/"`), each ending with "/". */
  prefixes: z.array(z.string()),
  /** Present when there is another page: send it back as `cursor`. */
  next_cursor: z.optional(z.string()),
});
export type ListObjectsResponse = z.output<typeof listObjectsResponse>;

export const deleteObjectResponse = z.object({ deleted: z.literal(true) });
export type DeleteObjectResponse = z.output<typeof deleteObjectResponse>;

const bucketState = z.enum(['ok', 'unavailable']);
export const healthResponse = z.object({
  status: z.enum(['ok', 'unavailable']),
  buckets: z.object({ draft: bucketState, main: bucketState }),
});
export type HealthResponse = z.output<typeof healthResponse>;

/** What the caller keeps in main, and the most they may; `null` is unlimited. */
export const usageResponse = z.object({
  bytes: z.number(),
  objects: z.number(),
  quota: z.object({ bytes: z.nullable(z.number()), objects: z.nullable(z.number()) }),
});
export type UsageResponse = z.output<typeof usageResponse>;

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** content_rejected: why (docs/rest-api.md, "What confirm checks"). */
    reason: z.optional(z.enum(REJECTION_REASONS)),
    /** content_rejected: the type the bytes were found to be. */
    detected_type: z.optional(z.string()),
  }),
});
export type ErrorResponse = z.output<typeof errorResponse>;
