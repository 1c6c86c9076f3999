import { DraftError, isDraftError } from './errors.js';
import { ownedKey } from './object-name.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';
import {
  enforceDeclaration,
  enforcePolicy,
  SINGLE_PUT_MAX_BYTES,
  type UploadPolicy,
} from './upload-policy.js';

export type Stage = 'draft' | 'main';

export interface Buckets {
  readonly draft: string;
  readonly main: string;
}

export interface DraftServiceOptions {
  readonly store: ObjectStore;
  readonly buckets: Buckets;
  readonly policy: UploadPolicy;
  readonly uploadTtlSeconds: number;
  readonly downloadTtlSeconds: number;
  /**
   * Whether ensureBuckets may create missing buckets (`create`: MinIO, Ceph RGW, the
   * embedded store) or only verifies them (`verify`: AWS, where the infrastructure owns them).
   * @default 'verify'
   */
  readonly bucketProvisioning?: 'create' | 'verify';
  /** @default () => new Date() */
  readonly clock?: () => Date;
}

/** Who is calling: the owner segment that namespaces every key (see ownerSegment). */
export interface Caller {
  readonly owner: string;
}

export interface UploadUrlRequest {
  readonly objectName: string;
  readonly contentType?: string;
  readonly contentLength?: number;
  readonly contentMd5?: string;
  readonly checksumSha256?: string;
}

export interface UploadTicket {
  readonly url: string;
  readonly method: 'PUT';
  readonly headers: Readonly<Record<string, string>>;
  readonly objectName: string;
  readonly expiresAt: Date;
}

export interface UploadFormRequest {
  readonly objectName: string;
  /** @default 'application/octet-stream' (required when ALLOWED_CONTENT_TYPES is set) */
  readonly contentType?: string;
}

export interface UploadForm {
  readonly url: string;
  readonly method: 'POST';
  readonly fields: Readonly<Record<string, string>>;
  readonly objectName: string;
  /** The Content-Type the form carries (and the policy requires). */
  readonly contentType: string;
  /** The inclusive size range the policy allows. */
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly expiresAt: Date;
}

/** The type of a form upload when the client names none. */
export const DEFAULT_FORM_CONTENT_TYPE = 'application/octet-stream';

export interface DownloadUrlRequest {
  readonly objectName: string;
  /** @default 'draft' */
  readonly stage?: Stage;
}

export interface DownloadTicket {
  readonly url: string;
  readonly objectName: string;
  readonly stage: Stage;
  readonly expiresAt: Date;
}

export interface Confirmation {
  readonly objectName: string;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly contentType?: string;
  readonly etag: string;
}

/** What ensureBuckets found (or did) for each bucket. */
export type BucketsEnsured = Readonly<Record<Stage, 'created' | 'existed'>>;

export interface HealthReport {
  readonly healthy: boolean;
  readonly buckets: Readonly<Record<Stage, 'ok' | 'unavailable'>>;
}

/**
 * User metadata written on every confirmed object: the ETag of the draft it came from.
 * It tells a retried confirm apart from a name that was never uploaded, and tells a
 * retry after a crash between copy and delete that the copy already happened.
 */
export const CONFIRMED_FROM_METADATA = 'draftstore-confirmed-from';

const unquote = (etag: string): string => etag.replace(/^"|"$/g, '');

/** The two-stage upload flow: presigned PUT into drafts, preview, confirm into main. */
export class DraftService {
  readonly #store: ObjectStore;
  readonly #buckets: Buckets;
  readonly #policy: UploadPolicy;
  readonly #uploadTtl: number;
  readonly #downloadTtl: number;
  readonly #clock: () => Date;
  readonly #provisioning: 'create' | 'verify';

  constructor(options: DraftServiceOptions) {
    this.#store = options.store;
    this.#buckets = options.buckets;
    this.#policy = options.policy;
    this.#uploadTtl = options.uploadTtlSeconds;
    this.#downloadTtl = options.downloadTtlSeconds;
    this.#clock = options.clock ?? (() => new Date());
    this.#provisioning = options.bucketProvisioning ?? 'verify';
  }

  get buckets(): Buckets {
    return this.#buckets;
  }

  async uploadUrl(caller: Caller, request: UploadUrlRequest): Promise<UploadTicket> {
    const { name, key } = ownedKey(caller.owner, request.objectName);
    enforceDeclaration(this.#policy, {
      contentType: request.contentType,
      contentLength: request.contentLength,
    });
    const issuedAt = this.#clock();
    const presigned = await this.#store.presignPut({
      bucket: this.#buckets.draft,
      key,
      expiresInSeconds: this.#uploadTtl,
      ...(request.contentType !== undefined && { contentType: request.contentType }),
      ...(request.contentLength !== undefined && { contentLength: request.contentLength }),
      ...(request.contentMd5 !== undefined && { contentMd5: request.contentMd5 }),
      ...(request.checksumSha256 !== undefined && { checksumSha256: request.checksumSha256 }),
    });
    return {
      url: presigned.url,
      method: 'PUT',
      headers: presigned.headers,
      objectName: name,
      expiresAt: new Date(issuedAt.getTime() + this.#uploadTtl * 1000),
    };
  }

  /**
   * A presigned POST into the draft bucket, usable as a plain HTML form: the store
   * itself refuses another key, another Content-Type, an empty or oversize body, or a
   * late upload.
   */
  async uploadForm(caller: Caller, request: UploadFormRequest): Promise<UploadForm> {
    const { name, key } = ownedKey(caller.owner, request.objectName);
    // Without a type list any type passes, so the default needs no check of its own.
    enforcePolicy(this.#policy, { contentType: request.contentType });
    const contentType = request.contentType ?? DEFAULT_FORM_CONTENT_TYPE;
    const issuedAt = this.#clock();
    const minBytes = 1;
    // A form is one POST: S3 takes at most 5 GiB that way, whatever the policy allows.
    const maxBytes = Math.min(this.#policy.maxUploadBytes, SINGLE_PUT_MAX_BYTES);
    const post = await this.#store.presignPost({
      bucket: this.#buckets.draft,
      key,
      expiresInSeconds: this.#uploadTtl,
      contentType,
      minBytes,
      maxBytes,
    });
    return {
      url: post.url,
      method: 'POST',
      fields: post.fields,
      objectName: name,
      contentType,
      minBytes,
      maxBytes,
      expiresAt: new Date(issuedAt.getTime() + this.#uploadTtl * 1000),
    };
  }

  async downloadUrl(caller: Caller, request: DownloadUrlRequest): Promise<DownloadTicket> {
    const { name, key } = ownedKey(caller.owner, request.objectName);
    const stage = request.stage ?? 'draft';
    const bucket = this.#buckets[stage];
    const found = await this.#store.head(bucket, key);
    if (!found) throw notFound(stage, name);
    const issuedAt = this.#clock();
    const url = await this.#store.presignGet({ bucket, key, expiresInSeconds: this.#downloadTtl });
    return {
      url,
      objectName: name,
      stage,
      expiresAt: new Date(issuedAt.getTime() + this.#downloadTtl * 1000),
    };
  }

  /**
   * Moves a draft to the main bucket. Safe to retry: after a success it answers the
   * same again, and after a crash between copy and delete it finishes the move.
   */
  async confirm(caller: Caller, request: { objectName: string }): Promise<Confirmation> {
    const { name, key } = ownedKey(caller.owner, request.objectName);
    const { draft: draftBucket, main: mainBucket } = this.#buckets;
    const [draft, confirmed] = await Promise.all([
      this.#store.head(draftBucket, key),
      this.#store.head(mainBucket, key),
    ]);

    if (!draft) {
      if (confirmed?.metadata[CONFIRMED_FROM_METADATA] !== undefined) {
        return this.#confirmation(name, key, confirmed, confirmed.etag);
      }
      throw notFound('draft', name);
    }

    enforcePolicy(this.#policy, { contentType: draft.contentType, size: draft.size });

    // The marker is the draft's ETag, an MD5 of its bytes: the same bytes re-uploaded
    // with another type must still be copied, so type and size have to match too.
    const alreadyCopied =
      confirmed?.metadata[CONFIRMED_FROM_METADATA] === unquote(draft.etag) &&
      confirmed.contentType === draft.contentType &&
      confirmed.size === draft.size;
    const etag = alreadyCopied ? confirmed.etag : await this.#copyToMain(key, draft);

    await this.#deleteDraft(key, draft.etag);
    return this.#confirmation(name, key, draft, etag);
  }

  /**
   * Makes sure both buckets exist: creates what is missing when provisioning is
   * `create`, and otherwise fails with `bucket_not_found` when either is missing.
   * Idempotent; concurrent calls all succeed once the buckets exist.
   */
  async ensureBuckets(): Promise<BucketsEnsured> {
    const ensure = async (bucket: string): Promise<'created' | 'existed'> => {
      if (this.#provisioning === 'create') return this.#store.ensureBucket(bucket);
      await this.#store.checkBucket(bucket);
      return 'existed';
    };
    const [draft, main] = await Promise.all([
      ensure(this.#buckets.draft),
      ensure(this.#buckets.main),
    ]);
    return { draft, main };
  }

  async health(): Promise<HealthReport> {
    const probe = async (bucket: string): Promise<'ok' | 'unavailable'> => {
      try {
        await this.#store.checkBucket(bucket);
        return 'ok';
      } catch {
        return 'unavailable';
      }
    };
    const [draft, main] = await Promise.all([
      probe(this.#buckets.draft),
      probe(this.#buckets.main),
    ]);
    return { healthy: draft === 'ok' && main === 'ok', buckets: { draft, main } };
  }

  async #copyToMain(key: string, draft: ObjectInfo): Promise<string> {
    try {
      const copied = await this.#store.copy({
        sourceBucket: this.#buckets.draft,
        sourceKey: key,
        sourceIfMatch: draft.etag,
        targetBucket: this.#buckets.main,
        targetKey: key,
        ...(draft.contentType !== undefined && { contentType: draft.contentType }),
        metadata: { ...draft.metadata, [CONFIRMED_FROM_METADATA]: unquote(draft.etag) },
        size: draft.size,
      });
      return copied.etag;
    } catch (error) {
      if (isDraftError(error) && error.code === 'conflict') {
        throw new DraftError(
          'conflict',
          'The draft was replaced while it was being confirmed; confirm again.',
          { cause: error },
        );
      }
      if (isDraftError(error) && error.code === 'not_found') {
        throw new DraftError('not_found', 'The draft disappeared while it was being confirmed.', {
          cause: error,
        });
      }
      throw error;
    }
  }

  async #deleteDraft(key: string, etag: string): Promise<void> {
    try {
      // ifMatch: where the store supports it, a draft re-uploaded after our copy survives.
      await this.#store.delete(this.#buckets.draft, key, { ifMatch: etag });
    } catch (error) {
      // Gone already (a concurrent confirm) or replaced by a newer upload: both leave
      // exactly what they should, so the confirmed copy stands.
      if (isDraftError(error) && (error.code === 'not_found' || error.code === 'conflict')) return;
      throw error;
    }
  }

  #confirmation(name: string, key: string, info: ObjectInfo, etag: string): Confirmation {
    return {
      objectName: name,
      bucket: this.#buckets.main,
      key,
      size: info.size,
      ...(info.contentType !== undefined && { contentType: info.contentType }),
      etag: unquote(etag),
    };
  }
}

const notFound = (stage: Stage, name: string): DraftError =>
  new DraftError(
    'not_found',
    stage === 'draft' ? `No draft named "${name}".` : `No confirmed object named "${name}".`,
  );
