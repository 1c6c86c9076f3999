import { contentDisposition, fileNameOf } from './content-disposition.js';
import type { ConfirmCheck, DraftBytes, Findings } from './checks/confirm-check.js';
import { draftUnderCheck } from './checks/draft-under-check.js';
import type { VerdictRecord } from './checks/verdict-record.js';
import type { Caller } from './caller.js';
import type { ConfirmationEvents } from './confirmation-events.js';
import { CONFIRMED_FROM_METADATA } from './confirmation-marker.js';
import { DraftError, isDraftError } from './errors.js';
import { unquote } from './etag.js';
import { DEFAULT_NAME_POLICY, ownedKey, type NamePolicy, type OwnedKey } from './object-name.js';
import type { FormPresigner } from './form-presigner.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';
import { MAX_SINGLE_PUT_BYTES } from './s3-limits.js';
import type { Buckets, Stage } from './stage.js';
import {
  enforceDeclaration,
  enforcePolicy,
  matchesContentType,
  type UploadPolicy,
} from './upload-policy.js';
import { storedDimensions, withDimensions } from './image-dimensions.js';
import { checkUserMetadata, type UserMetadata } from './user-metadata.js';
import type { UsageAccounts } from './usage-accounts.js';

export interface DraftServiceOptions {
  readonly store: ObjectStore;
  /**
   * Presigns form uploads (uploadForm). Only what serves forms gets one, so the other
   * functions carry no POST-policy code.
   * @default undefined: uploadForm fails as `internal`
   */
  readonly forms?: FormPresigner;
  readonly buckets: Buckets;
  readonly policy: UploadPolicy;
  /** What names the configured store can hold. @default DEFAULT_NAME_POLICY (255-byte segments) */
  readonly names?: NamePolicy;
  readonly uploadTtlSeconds: number;
  readonly downloadTtlSeconds: number;
  /**
   * Stored types a download URL lets the browser show (`inline`); every other type, and
   * an object without one, is served as an `attachment`. Exact types or `image/*` wildcards.
   * @default [] - everything is an attachment
   */
  readonly inlineContentTypes?: readonly string[];
  /**
   * Whether ensureBuckets may create missing buckets (`create`: MinIO, Ceph RGW, the
   * embedded store) or only verifies them (`verify`: AWS, where the infrastructure owns them).
   * @default 'verify'
   */
  readonly bucketProvisioning?: 'create' | 'verify';
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Where confirmations are published. @default none (in AWS, S3's own events are the events) */
  readonly events?: ConfirmationEvents;
  /**
   * What confirm proves about a draft's bytes before it may reach main, in order (content
   * type, image rules, malware verdict), and where the checks read the bytes from.
   * @default none: confirm checks only size and declared type
   */
  readonly checks?: { readonly list: readonly ConfirmCheck[]; readonly bytes: DraftBytes };
  /**
   * Where confirm records its refusals and download-url reads them, so that a refused draft
   * cannot be fetched through the service. @default none: nothing recorded, nothing refused
   */
  readonly verdicts?: VerdictRecord;
  /**
   * The owners' usage: confirm charges it before the copy and settles it after; uploads
   * that cannot fit are refused early. @default none: nothing charged, nothing refused
   */
  readonly accounts?: Pick<UsageAccounts, 'admit' | 'charge' | 'settle'>;
}

export interface UploadUrlRequest {
  readonly objectName: string;
  readonly contentType?: string;
  readonly contentLength?: number;
  readonly contentMd5?: string;
  readonly checksumSha256?: string;
  /** The client's metadata, signed into the URL (see user-metadata.ts for the rules). */
  readonly metadata?: UserMetadata;
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
  /** The client's metadata, bound by the form's policy. */
  readonly metadata?: UserMetadata;
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
  /**
   * Without a `stage`, sign the confirmed object when no draft exists. The original
   * contract had no stage and its server answered with main after a confirm; only its
   * surfaces set this, so the modern API keeps draft meaning draft.
   */
  readonly fallbackToMain?: boolean;
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
  /** An image's size in pixels, when confirm's image rules read it. */
  readonly width?: number;
  readonly height?: number;
}

const dimensions = (findings: Findings): { width?: number; height?: number } =>
  findings.width !== undefined && findings.height !== undefined
    ? { width: findings.width, height: findings.height }
    : {};

/** What ensureBuckets found (or did) for each bucket. */
export type BucketsEnsured = Readonly<Record<Stage, 'created' | 'existed'>>;

export interface HealthReport {
  readonly healthy: boolean;
  readonly buckets: Readonly<Record<Stage, 'ok' | 'unavailable'>>;
}

/** The two-stage upload flow: presigned PUT into drafts, preview, confirm into main. */
export class DraftService {
  readonly #store: ObjectStore;
  readonly #forms: FormPresigner | undefined;
  readonly #buckets: Buckets;
  readonly #policy: UploadPolicy;
  readonly #names: NamePolicy;
  readonly #uploadTtl: number;
  readonly #downloadTtl: number;
  readonly #inlineTypes: readonly string[];
  readonly #clock: () => Date;
  readonly #provisioning: 'create' | 'verify';
  readonly #events: ConfirmationEvents | undefined;
  readonly #checks: DraftServiceOptions['checks'];
  readonly #verdicts: VerdictRecord | undefined;
  readonly #accounts: DraftServiceOptions['accounts'];

  constructor(options: DraftServiceOptions) {
    this.#store = options.store;
    this.#forms = options.forms;
    this.#buckets = options.buckets;
    this.#policy = options.policy;
    this.#names = options.names ?? DEFAULT_NAME_POLICY;
    this.#uploadTtl = options.uploadTtlSeconds;
    this.#downloadTtl = options.downloadTtlSeconds;
    this.#inlineTypes = options.inlineContentTypes ?? [];
    this.#clock = options.clock ?? (() => new Date());
    this.#provisioning = options.bucketProvisioning ?? 'verify';
    this.#events = options.events;
    this.#checks = options.checks;
    this.#verdicts = options.verdicts;
    this.#accounts = options.accounts;
  }

  get buckets(): Buckets {
    return this.#buckets;
  }

  async uploadUrl(caller: Caller, request: UploadUrlRequest): Promise<UploadTicket> {
    const { name, key } = this.#ownedKey(caller, request.objectName);
    enforceDeclaration(this.#policy, {
      contentType: request.contentType,
      contentLength: request.contentLength,
    });
    const metadata = checkUserMetadata(request.metadata);
    await this.#accounts?.admit(caller.owner, name, request.contentLength);
    const issuedAt = this.#clock();
    const presigned = await this.#store.presignPut({
      bucket: this.#buckets.draft,
      key,
      expiresInSeconds: this.#uploadTtl,
      ...(request.contentType !== undefined && { contentType: request.contentType }),
      ...(request.contentLength !== undefined && { contentLength: request.contentLength }),
      ...(request.contentMd5 !== undefined && { contentMd5: request.contentMd5 }),
      ...(request.checksumSha256 !== undefined && { checksumSha256: request.checksumSha256 }),
      ...(Object.keys(metadata).length > 0 && { metadata }),
    });
    return {
      url: presigned.url,
      method: 'PUT',
      headers: presigned.headers,
      objectName: name,
      expiresAt: new Date(issuedAt.getTime() + this.#uploadTtl * 1000),
    };
  }

  #formPresigner(): FormPresigner {
    if (this.#forms === undefined) {
      throw new DraftError('internal', 'This service was composed without form uploads.');
    }
    return this.#forms;
  }

  /**
   * A presigned POST into the draft bucket, usable as a plain HTML form: the store
   * itself refuses another key, another Content-Type, an empty or oversize body, or a
   * late upload.
   */
  async uploadForm(caller: Caller, request: UploadFormRequest): Promise<UploadForm> {
    const { name, key } = this.#ownedKey(caller, request.objectName);
    // Without a type list any type passes, so the default needs no check of its own.
    enforcePolicy(this.#policy, { contentType: request.contentType });
    const contentType = request.contentType ?? DEFAULT_FORM_CONTENT_TYPE;
    const metadata = checkUserMetadata(request.metadata);
    // A form declares no length: only what is already over the quota is refused here.
    await this.#accounts?.admit(caller.owner, name, undefined);
    const issuedAt = this.#clock();
    // One rule for every upload path: a PUT may carry 0 bytes, so a form may too.
    const minBytes = 0;
    // A form is one POST: S3 takes at most 5 GiB that way, whatever the policy allows.
    const maxBytes = Math.min(this.#policy.maxUploadBytes, MAX_SINGLE_PUT_BYTES);
    const post = await this.#formPresigner().presignPost({
      bucket: this.#buckets.draft,
      key,
      expiresInSeconds: this.#uploadTtl,
      contentType,
      minBytes,
      maxBytes,
      ...(Object.keys(metadata).length > 0 && { metadata }),
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
    const { name, key } = this.#ownedKey(caller, request.objectName);
    const held = await this.#stageHolding(key, request);
    if (held === undefined) throw notFound(request.stage ?? 'draft', name);
    const { stage, found } = held;
    const bucket = this.#buckets[stage];
    if (stage === 'draft' && this.#verdicts !== undefined) {
      // A draft confirm refused (malware, markup as an image, ...) is not served by us.
      const reason = await this.#verdicts.rejection(bucket, key, found.etag);
      if (reason !== undefined) {
        throw new DraftError(
          'content_rejected',
          `Confirm refused the draft "${name}" (${reason}); it cannot be downloaded.`,
          { reason },
        );
      }
    }
    const issuedAt = this.#clock();
    // The HEAD above already tells the stored type, so choosing the disposition costs no
    // request: a type off the inline list (text/html, SVG, ...) is never rendered on the
    // bucket's origin, whatever the uploader declared.
    const disposition = matchesContentType(this.#inlineTypes, found.contentType)
      ? 'inline'
      : 'attachment';
    const url = await this.#store.presignGet({
      bucket,
      key,
      expiresInSeconds: this.#downloadTtl,
      contentDisposition: contentDisposition(disposition, fileNameOf(name)),
    });
    return {
      url,
      objectName: name,
      stage,
      expiresAt: new Date(issuedAt.getTime() + this.#downloadTtl * 1000),
    };
  }

  /** The stage to sign and its object: the requested one if it holds the key, else main on fallback. */
  async #stageHolding(
    key: string,
    request: DownloadUrlRequest,
  ): Promise<{ stage: Stage; found: ObjectInfo } | undefined> {
    const stage = request.stage ?? 'draft';
    const found = await this.#store.head(this.#buckets[stage], key);
    if (found) return { stage, found };
    if (request.stage !== undefined || request.fallbackToMain !== true) return undefined;
    const confirmed = await this.#store.head(this.#buckets.main, key);
    return confirmed ? { stage: 'main', found: confirmed } : undefined;
  }

  /**
   * Moves a draft to the main bucket: HEAD, copy, delete. Safe to retry: after a success it
   * answers the same again, and after a crash between copy and delete it copies the same
   * bytes again (harmless) and finishes the move. Main is read only when no draft is found.
   */
  async confirm(caller: Caller, request: { objectName: string }): Promise<Confirmation> {
    const { name, key } = this.#ownedKey(caller, request.objectName);
    const draft = await this.#store.head(this.#buckets.draft, key);
    if (!draft) {
      const confirmed = await this.#confirmedFrom(key);
      if (confirmed) return this.#confirmation(name, key, confirmed, confirmed.etag);
      throw notFound('draft', name);
    }

    enforcePolicy(this.#policy, { contentType: draft.contentType, size: draft.size });
    const findings = await this.#inspect(caller, name, key, draft);

    // Charged before the copy: a crash between the two leaves usage above what main holds,
    // never below, and a draft over the quota never reaches main.
    const charge = { name, etag: draft.etag, size: draft.size };
    const charged = await this.#accounts?.charge(caller.owner, charge);

    let etag: string;
    try {
      etag = await this.#copyToMain(key, draft, findings);
    } catch (error) {
      // Main already holds this draft's copy: a concurrent confirm moved it first, or the
      // copy completed but its answer was lost (a retried CompleteMultipartUpload finds no
      // upload). Finish the move rather than report the draft gone.
      if (!isDraftError(error) || error.code !== 'not_found') throw error;
      const confirmed = await this.#confirmedFrom(key, draft);
      if (!confirmed) throw error;
      etag = confirmed.etag;
    }
    if (charged?.settle) await this.#accounts?.settle(caller.owner, charge);
    const confirmation = { ...this.#confirmation(name, key, draft, etag), ...dimensions(findings) };

    // Before the delete: while the draft exists a retry publishes again (at least once);
    // once it is gone, a retry answers from main without publishing (no duplicate).
    await this.#events?.objectConfirmed({
      owner: caller.owner,
      object_name: confirmation.objectName,
      key: confirmation.key,
      bucket: confirmation.bucket,
      size: confirmation.size,
      content_type: confirmation.contentType ?? null,
      etag: confirmation.etag,
      ...(confirmation.width !== undefined && {
        width: confirmation.width,
        height: confirmation.height,
      }),
    });
    await this.#deleteDraft(key, draft.etag);
    return confirmation;
  }

  /**
   * The confirmed object in main, when it carries the marker; with `draft`, only when it is
   * that draft's copy (same ETag marker, type and size). The marker is the draft's ETag, an
   * MD5 of its bytes: the same bytes re-uploaded with another type are another draft.
   */
  async #confirmedFrom(key: string, draft?: ObjectInfo): Promise<ObjectInfo | undefined> {
    const confirmed = await this.#store.head(this.#buckets.main, key);
    const marker = confirmed?.metadata[CONFIRMED_FROM_METADATA];
    if (confirmed === undefined || marker === undefined) return undefined;
    if (
      draft !== undefined &&
      (marker !== unquote(draft.etag) ||
        confirmed.contentType !== draft.contentType ||
        confirmed.size !== draft.size)
    ) {
      return undefined;
    }
    return confirmed;
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

  async #copyToMain(key: string, draft: ObjectInfo, findings: Findings): Promise<string> {
    try {
      const copied = await this.#store.copy({
        sourceBucket: this.#buckets.draft,
        sourceKey: key,
        sourceIfMatch: draft.etag,
        targetBucket: this.#buckets.main,
        targetKey: key,
        ...(draft.contentType !== undefined && { contentType: draft.contentType }),
        metadata: withDimensions(
          { ...draft.metadata, [CONFIRMED_FROM_METADATA]: unquote(draft.etag) },
          findings,
        ),
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

  /**
   * Runs every confirm check over the draft, in order; the first refusal stops it. A refused
   * draft stays where it is, its verdict recorded against its ETag and published.
   */
  async #inspect(caller: Caller, name: string, key: string, draft: ObjectInfo): Promise<Findings> {
    const checks = this.#checks;
    if (checks === undefined || checks.list.length === 0) return {};
    const under = draftUnderCheck(checks.bytes, this.#buckets.draft, key, draft);
    let findings: Findings = {};
    try {
      for (const check of checks.list) {
        findings = { ...findings, ...(await check.inspect(under, findings)) };
      }
    } catch (error) {
      if (isDraftError(error) && error.code === 'content_rejected' && error.reason) {
        await this.#verdicts?.recordRejection(this.#buckets.draft, key, draft.etag, error.reason);
        await this.#events?.objectRejected({
          owner: caller.owner,
          object_name: name,
          key,
          reason: error.reason,
          ...(error.detectedType !== undefined && { detected_type: error.detectedType }),
          etag: unquote(draft.etag),
        });
      }
      throw error;
    }
    return findings;
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

  #ownedKey(caller: Caller, objectName: string): OwnedKey {
    return ownedKey(caller.owner, objectName, this.#names);
  }

  #confirmation(name: string, key: string, info: ObjectInfo, etag: string): Confirmation {
    return {
      objectName: name,
      bucket: this.#buckets.main,
      key,
      size: info.size,
      ...(info.contentType !== undefined && { contentType: info.contentType }),
      etag: unquote(etag),
      ...storedDimensions(info.metadata),
    };
  }
}

const notFound = (stage: Stage, name: string): DraftError =>
  new DraftError(
    'not_found',
    stage === 'draft' ? `No draft named "${name}".` : `No confirmed object named "${name}".`,
  );
