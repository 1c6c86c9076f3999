/**
 * The storage port: everything the domain needs from an S3-like object store.
 * Implementations translate their own failures into DraftError codes:
 * `not_found`, `conflict` (a failed precondition), `bucket_not_found`,
 * `storage_unavailable`; anything else is `internal`.
 */
export interface ObjectStore {
  presignPut(request: PresignPutRequest): Promise<PresignedRequest>;
  presignGet(request: PresignGetRequest): Promise<string>;
  /** Metadata of an object, or `undefined` when there is no such object. */
  head(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  copy(request: CopyRequest): Promise<{ etag: string }>;
  /**
   * Deletes one object. With `ifMatch`, an object whose ETag differs (a re-upload) fails with
   * `conflict` and is kept: by the store's own condition where it honours one, otherwise by an
   * ETag comparison right before the delete.
   */
  delete(bucket: string, key: string, options?: { ifMatch?: string }): Promise<void>;
  /**
   * Deletes up to 1000 objects in one request and reports each key that failed. A target
   * with an `etag` is deleted only while it still has that ETag, on stores that honour the
   * condition (AWS); the others ignore it.
   */
  deleteMany(bucket: string, targets: readonly DeleteTarget[]): Promise<DeleteManyResult>;
  /**
   * One page of a ListObjectsV2 listing, in key order: objects and, with a delimiter,
   * rolled-up common prefixes, together at most `maxKeys`. The sweep pages with the
   * continuation token; the catalog starts after a key of its own cursor.
   */
  listPage(request: ListPageRequest): Promise<ListPage>;
  /**
   * One page of the bucket's unfinished multipart uploads. Stores that cannot list
   * them (the embedded store) answer an empty page with `unsupported: true`.
   */
  listMultipartUploads(request: ListMultipartUploadsRequest): Promise<MultipartUploadPage>;
  /** Aborts an unfinished multipart upload; one that is already gone counts as aborted. */
  abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void>;
  /** Resolves when the bucket exists and is reachable. */
  checkBucket(bucket: string): Promise<void>;
  /**
   * Creates the bucket when it is missing. One that exists, or that a concurrent call
   * created first, counts as existing: safe to run concurrently and repeatedly.
   */
  ensureBucket(bucket: string): Promise<'created' | 'existed'>;
}

export interface PresignPutRequest {
  readonly bucket: string;
  readonly key: string;
  readonly expiresInSeconds: number;
  readonly contentType?: string;
  readonly contentLength?: number;
  /** Base64 MD5 of the body; signed, so the store rejects a corrupted upload. */
  readonly contentMd5?: string;
  /** Base64 SHA-256 of the body; signed, enforced by stores that implement flexible checksums. */
  readonly checksumSha256?: string;
  /** User metadata, signed as `x-amz-meta-*` headers the client must send. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface PresignedRequest {
  readonly url: string;
  /** The headers the client must send, exactly as signed. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface PresignPostRequest {
  readonly bucket: string;
  readonly key: string;
  readonly expiresInSeconds: number;
  /** Required exactly (an `eq` condition) and sent as a form field. */
  readonly contentType: string;
  /** The policy's `content-length-range`, inclusive. */
  readonly minBytes: number;
  readonly maxBytes: number;
  /** User metadata: `x-amz-meta-*` form fields, each an exact policy condition. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface PresignedPost {
  /** Where the form is POSTed. */
  readonly url: string;
  /** Form fields to send, as given, before the `file` field. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface PresignGetRequest {
  readonly bucket: string;
  readonly key: string;
  readonly expiresInSeconds: number;
  /** Signed as `response-content-disposition`: the store answers with this header. */
  readonly contentDisposition?: string;
}

export interface ObjectInfo {
  readonly size: number;
  readonly etag: string;
  readonly contentType?: string;
  readonly lastModified?: Date;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface CopyRequest {
  readonly sourceBucket: string;
  readonly sourceKey: string;
  /** The copy fails with `conflict` when the source's ETag differs. */
  readonly sourceIfMatch: string;
  readonly targetBucket: string;
  readonly targetKey: string;
  readonly contentType?: string;
  /** Replaces the target's user metadata. */
  readonly metadata: Readonly<Record<string, string>>;
  /**
   * The source's size in bytes, when known: stores may copy large objects in parts
   * rather than in one request. The target's ETag then differs from the source's.
   */
  readonly size?: number;
}

export interface DeleteTarget {
  readonly key: string;
  /** The ETag the object was listed with. */
  readonly etag?: string;
}

export interface DeleteManyResult {
  readonly deleted: readonly string[];
  readonly errors: readonly DeleteError[];
}

export interface DeleteError {
  readonly key: string;
  readonly code: string;
  readonly message: string;
}

export interface ListPageRequest {
  readonly bucket: string;
  readonly prefix?: string;
  /** Rolls keys up into common prefixes at this delimiter. @default none: every key, flat */
  readonly delimiter?: string;
  /** Exclusive: the listing starts after this key. */
  readonly startAfter?: string;
  /** The previous page's `nextContinuationToken`. */
  readonly continuationToken?: string;
  /** @default 1000, the most a page holds (MAX_KEYS_PER_LIST_PAGE) */
  readonly maxKeys?: number;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  /** As the store lists it, quoted; absent when the store lists none. */
  readonly etag?: string;
}

export interface ListPage {
  readonly objects: readonly ListedObject[];
  /** Common prefixes, each ending with the delimiter; empty without a delimiter. */
  readonly prefixes: readonly string[];
  /** More entries follow the last one of this page. */
  readonly truncated: boolean;
  /** Where the next page starts, when the page is truncated. */
  readonly nextContinuationToken?: string;
}

export interface ListMultipartUploadsRequest {
  readonly bucket: string;
  readonly prefix?: string;
  /** With `uploadIdMarker`, where the previous page ended. */
  readonly keyMarker?: string;
  readonly uploadIdMarker?: string;
  readonly maxUploads?: number;
}

export interface MultipartUploadInfo {
  readonly key: string;
  readonly uploadId: string;
  readonly initiated: Date;
}

export interface MultipartUploadPage {
  readonly uploads: readonly MultipartUploadInfo[];
  /** Present when there is another page; pass both back as the markers. */
  readonly nextKeyMarker?: string;
  readonly nextUploadIdMarker?: string;
  /** The store cannot list multipart uploads. */
  readonly unsupported?: boolean;
}
