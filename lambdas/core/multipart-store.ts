import type { PresignedRequest } from './object-store.js';

/**
 * The storage port for client-driven multipart uploads (the bytes go straight from the
 * client to the store through presigned part URLs). Failures are DraftErrors as in
 * ObjectStore; an upload that is gone (completed, aborted, never existed) is `not_found`.
 */
export interface MultipartStore {
  createUpload(request: CreateUploadRequest): Promise<{ uploadId: string }>;
  /**
   * A presigned UploadPart that signs the exact Content-Length when given (and Content-MD5
   * when given).
   */
  presignPart(request: PresignPartRequest): Promise<PresignedRequest>;
  /** One page of the parts uploaded so far, in part-number order. */
  listParts(request: ListPartsRequest): Promise<PartPage>;
  /** Assembles the parts into the object; answers its ETag (possibly empty, as Ceph RGW does). */
  completeUpload(request: CompleteUploadRequest): Promise<{ etag: string }>;
  /** Aborts an unfinished upload; one that is already gone counts as aborted. */
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
}

export interface CreateUploadRequest {
  readonly bucket: string;
  readonly key: string;
  readonly contentType?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PresignPartRequest {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly partNumber: number;
  /** Signed when given; absent only for the Companion routes, whose client names no size. */
  readonly contentLength?: number;
  /** Base64 MD5 of the part; signed, so the store refuses other bytes. */
  readonly contentMd5?: string;
  readonly expiresInSeconds: number;
}

export interface ListPartsRequest {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** Where the previous page ended. */
  readonly partNumberMarker?: number;
  readonly maxParts?: number;
}

export interface UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
}

export interface PartPage {
  readonly parts: readonly UploadedPart[];
  /** Present when there is another page. */
  readonly nextPartNumberMarker?: number;
}

export interface CompleteUploadRequest {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  /** In ascending part-number order. */
  readonly parts: readonly { readonly partNumber: number; readonly etag: string }[];
}
