import type { FormPresigner } from '../../lambdas/core/form-presigner.js';
import { createHash } from 'node:crypto';
import { DraftError } from '../../lambdas/core/errors.js';
import type {
  CopyRequest,
  DeleteManyResult,
  DeleteTarget,
  ListPage,
  ListMultipartUploadsRequest,
  ListPageRequest,
  ListedObject,
  MultipartUploadPage,
  ObjectInfo,
  ObjectStore,
  PresignGetRequest,
  PresignedPost,
  PresignedRequest,
  PresignPostRequest,
  PresignPutRequest,
} from '../../lambdas/core/object-store.js';

export interface StoredObject {
  body: Buffer;
  etag: string;
  contentType?: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

type Operation = keyof ObjectStore | keyof FormPresigner;

/** An unfinished multipart upload held by the fake. */
export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated: Date;
}

/**
 * An in-memory ObjectStore (and FormPresigner) for unit tests of the domain. It keeps real bytes and
 * real ETags, honours copy preconditions and can be told to fail any operation.
 */
export class FakeObjectStore implements ObjectStore, FormPresigner {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  readonly calls: { operation: Operation; args: unknown[] }[] = [];
  readonly #faults = new Map<Operation, (() => Error | undefined)[]>();
  /** Key → error code deleteMany reports for it, and on how many more attempts. */
  readonly #keyFaults = new Map<string, { code: string; remaining: number }>();
  /** Bucket → unfinished multipart uploads, by upload id. */
  readonly uploads = new Map<string, Map<string, PendingUpload>>();
  #nextUploadId = 0;

  constructor(
    bucketNames: readonly string[],
    private readonly clock: () => Date = () => new Date(),
  ) {
    for (const name of bucketNames) this.buckets.set(name, new Map());
  }

  /** The next call of `operation` throws `error` (queued: call several times for several failures). */
  failNext(operation: Operation, error: Error): this {
    const queue = this.#faults.get(operation) ?? [];
    queue.push(() => error);
    this.#faults.set(operation, queue);
    return this;
  }

  put(
    bucket: string,
    key: string,
    body: string | Buffer,
    options: Partial<Omit<StoredObject, 'body' | 'etag'>> = {},
  ): StoredObject {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const object: StoredObject = {
      body: bytes,
      etag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      lastModified: options.lastModified ?? this.clock(),
      metadata: options.metadata ?? {},
      ...(options.contentType !== undefined && { contentType: options.contentType }),
    };
    this.#bucket(bucket).set(key, object);
    return object;
  }

  /**
   * deleteMany reports `code` for `key` (and keeps the object) on its next `times`
   * attempts; `Infinity` makes the failure permanent.
   */
  failDeleteOf(key: string, code: string, times = 1): this {
    this.#keyFaults.set(key, { code, remaining: times });
    return this;
  }

  /** Starts a multipart upload, as CreateMultipartUpload would; returns its upload id. */
  startUpload(bucket: string, key: string, initiated: Date = this.clock()): string {
    this.#bucket(bucket);
    const uploadId = `upload-${String(++this.#nextUploadId).padStart(6, '0')}`;
    const uploads = this.uploads.get(bucket) ?? new Map<string, PendingUpload>();
    uploads.set(uploadId, { key, uploadId, initiated });
    this.uploads.set(bucket, uploads);
    return uploadId;
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  count(operation: Operation): number {
    return this.calls.filter((call) => call.operation === operation).length;
  }

  async presignPut(request: PresignPutRequest): Promise<PresignedRequest> {
    this.#enter('presignPut', request);
    const headers: Record<string, string> = {};
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    if (request.contentLength !== undefined)
      headers['content-length'] = String(request.contentLength);
    if (request.contentMd5 !== undefined) headers['content-md5'] = request.contentMd5;
    if (request.checksumSha256 !== undefined)
      headers['x-amz-checksum-sha256'] = request.checksumSha256;
    return {
      url: `fake://${request.bucket}/${request.key}?put&expires=${request.expiresInSeconds}`,
      headers,
    };
  }

  async presignPost(request: PresignPostRequest): Promise<PresignedPost> {
    this.#enter('presignPost', request);
    return {
      url: `fake://${request.bucket}`,
      fields: {
        key: request.key,
        'Content-Type': request.contentType,
        policy: `${request.minBytes}-${request.maxBytes}&expires=${request.expiresInSeconds}`,
      },
    };
  }

  async presignGet(request: PresignGetRequest): Promise<string> {
    this.#enter('presignGet', request);
    return `fake://${request.bucket}/${request.key}?get&expires=${request.expiresInSeconds}`;
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    this.#enter('head', bucket, key);
    const object = this.#bucket(bucket).get(key);
    if (!object) return undefined;
    return {
      size: object.body.length,
      etag: object.etag,
      lastModified: object.lastModified,
      metadata: { ...object.metadata },
      ...(object.contentType !== undefined && { contentType: object.contentType }),
    };
  }

  async copy(request: CopyRequest): Promise<{ etag: string }> {
    this.#enter('copy', request);
    const source = this.#bucket(request.sourceBucket).get(request.sourceKey);
    if (!source) throw new DraftError('not_found', 'no such source');
    if (source.etag !== request.sourceIfMatch)
      throw new DraftError('conflict', 'precondition failed');
    const copied = this.put(request.targetBucket, request.targetKey, Buffer.from(source.body), {
      metadata: { ...request.metadata },
      ...(request.contentType !== undefined && { contentType: request.contentType }),
    });
    return { etag: copied.etag };
  }

  async delete(bucket: string, key: string, options: { ifMatch?: string } = {}): Promise<void> {
    this.#enter('delete', bucket, key, options);
    const existing = this.#bucket(bucket).get(key);
    if (existing && options.ifMatch !== undefined && existing.etag !== options.ifMatch) {
      throw new DraftError('conflict', 'precondition failed');
    }
    this.#bucket(bucket).delete(key);
  }

  /** Whether deleteMany honours a target's ETag, as AWS does; Ceph RGW and s3rver ignore it. */
  honoursDeleteEtags = true;

  async deleteMany(bucket: string, targets: readonly DeleteTarget[]): Promise<DeleteManyResult> {
    const keys = targets.map((target) => target.key);
    this.#enter('deleteMany', bucket, keys, targets);
    if (keys.length > 1000) throw new Error('DeleteObjects takes at most 1000 keys');
    const deleted: string[] = [];
    const errors: { key: string; code: string; message: string }[] = [];
    for (const { key, etag } of targets) {
      const existing = this.#bucket(bucket).get(key);
      if (this.honoursDeleteEtags && existing && etag !== undefined && existing.etag !== etag) {
        errors.push({
          key,
          code: 'PreconditionFailed',
          message: 'At least one of the pre-conditions you specified did not hold',
        });
        continue;
      }
      const fault = this.#keyFaults.get(key);
      if (fault && fault.remaining > 0) {
        fault.remaining -= 1;
        errors.push({ key, code: fault.code, message: `injected ${fault.code}` });
        continue;
      }
      this.#bucket(bucket).delete(key);
      deleted.push(key);
    }
    return { deleted, errors };
  }

  async listMultipartUploads(request: ListMultipartUploadsRequest): Promise<MultipartUploadPage> {
    this.#enter('listMultipartUploads', request);
    this.#bucket(request.bucket);
    const max = Math.min(request.maxUploads ?? 1000, 1000);
    const all = [...(this.uploads.get(request.bucket)?.values() ?? [])]
      .filter((upload) => upload.key.startsWith(request.prefix ?? ''))
      .sort((a, b) =>
        a.key === b.key ? a.uploadId.localeCompare(b.uploadId) : a.key < b.key ? -1 : 1,
      );
    const after = (upload: PendingUpload) =>
      request.keyMarker === undefined ||
      upload.key > request.keyMarker ||
      (upload.key === request.keyMarker &&
        request.uploadIdMarker !== undefined &&
        upload.uploadId > request.uploadIdMarker);
    const rest = all.filter(after);
    const page = rest.slice(0, max);
    const last = page.at(-1);
    return {
      uploads: page.map((upload) => ({ ...upload })),
      ...(rest.length > max &&
        last && { nextKeyMarker: last.key, nextUploadIdMarker: last.uploadId }),
    };
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    this.#enter('abortMultipartUpload', bucket, key, uploadId);
    this.#bucket(bucket);
    const upload = this.uploads.get(bucket)?.get(uploadId);
    if (upload && upload.key === key) this.uploads.get(bucket)!.delete(uploadId);
  }

  /**
   * One page in S3's order (UTF-8 bytes), rolling keys up at the delimiter. The
   * continuation token is the last key the page covered.
   */
  async listPage(request: ListPageRequest): Promise<ListPage> {
    this.#enter('listPage', request);
    const bytes = (key: string) => Buffer.from(key, 'utf8');
    const bucket = this.#bucket(request.bucket);
    const prefix = request.prefix ?? '';
    const after = request.continuationToken ?? request.startAfter;
    const maxKeys = Math.min(request.maxKeys ?? 1000, 1000);
    const keys = [...bucket.keys()]
      .filter((key) => key.startsWith(prefix))
      .filter((key) => after === undefined || Buffer.compare(bytes(key), bytes(after)) > 0)
      .sort((left, right) => Buffer.compare(bytes(left), bytes(right)));
    const objects: ListedObject[] = [];
    const prefixes: string[] = [];
    let truncated = false;
    let covered: string | undefined;
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      const cut = request.delimiter === undefined ? -1 : rest.indexOf(request.delimiter);
      const folder = cut < 0 ? undefined : key.slice(0, prefix.length + cut + 1);
      if (folder === undefined || prefixes.at(-1) !== folder) {
        if (objects.length + prefixes.length === maxKeys) {
          truncated = true;
          break;
        }
        if (folder !== undefined) {
          prefixes.push(folder);
        } else {
          const object = bucket.get(key)!;
          objects.push({
            key,
            size: object.body.length,
            etag: object.etag,
            lastModified: object.lastModified,
          });
        }
      }
      covered = key;
    }
    return {
      objects,
      prefixes,
      truncated,
      ...(truncated && covered !== undefined && { nextContinuationToken: covered }),
    };
  }

  async ensureBucket(bucket: string): Promise<'created' | 'existed'> {
    this.#enter('ensureBucket', bucket);
    if (this.buckets.has(bucket)) return 'existed';
    this.buckets.set(bucket, new Map());
    return 'created';
  }

  async checkBucket(bucket: string): Promise<void> {
    this.#enter('checkBucket', bucket);
    if (!this.buckets.has(bucket)) throw new DraftError('bucket_not_found', 'no such bucket');
  }

  #bucket(name: string): Map<string, StoredObject> {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new DraftError('bucket_not_found', `no bucket ${name}`);
    return bucket;
  }

  #enter(operation: Operation, ...args: unknown[]): void {
    this.calls.push({ operation, args });
    const fault = this.#faults.get(operation)?.shift();
    const error = fault?.();
    if (error) throw error;
  }
}
