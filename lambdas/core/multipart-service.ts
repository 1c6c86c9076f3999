import { randomUUID } from 'node:crypto';
import type { Caller } from './caller.js';
import type { UsageAccounts } from './usage-accounts.js';
import { CONFIRMED_FROM_METADATA } from './confirmation-marker.js';
import { DraftError, isDraftError } from './errors.js';
import { unquote } from './etag.js';
import type { MultipartStore, UploadedPart } from './multipart-store.js';
import { DEFAULT_NAME_POLICY, ownedKey, type NamePolicy } from './object-name.js';
import type { ObjectInfo, ObjectStore } from './object-store.js';
import { MAX_PARTS_PER_SIGN, partLength, planParts, type PartPlan } from './part-plan.js';
import { MAX_KEYS_PER_LIST_PAGE, MAX_OBJECT_BYTES } from './s3-limits.js';
import { enforcePolicy, type UploadPolicy } from './upload-policy.js';
import type { UploadClaims, UploadTokens } from './upload-token.js';

/**
 * User metadata set on the upload (and so on the draft it becomes): a random marker that
 * the token carries too. It lets a retried complete, or an abort after complete, recognise
 * the draft as its own. (The upload id cannot serve: the store assigns it after the metadata.)
 */
export const UPLOAD_MARKER_METADATA = 'draftstore-upload';

export interface MultipartServiceOptions {
  readonly store: MultipartStore;
  /** Where the completed draft is checked, and removed when it breaks the policy. */
  readonly objects: Pick<ObjectStore, 'head' | 'delete'>;
  /** The draft bucket: multipart uploads land there and are confirmed as usual. */
  readonly bucket: string;
  /**
   * The main bucket, read only by a repeated complete that finds no draft: the upload may
   * have been completed and then confirmed. @default none (such a repeat is "not found")
   */
  readonly mainBucket?: string;
  readonly policy: UploadPolicy;
  /** What names the configured store can hold. @default DEFAULT_NAME_POLICY */
  readonly names?: NamePolicy;
  readonly tokens: UploadTokens;
  /** How long a part URL lives (UPLOAD_TTL). */
  readonly uploadTtlSeconds: number;
  /**
   * How long an upload token lives (OBJECT_LIFETIME): exactly as long as the sweep leaves an
   * upload alone, so no valid token ever names an aborted upload.
   */
  readonly uploadLifetimeSeconds: number;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Refuses an upload that cannot fit the owner's quota. @default none */
  readonly accounts?: Pick<UsageAccounts, 'admit'>;
}

export interface CreateMultipartRequest {
  readonly objectName: string;
  readonly contentLength: number;
  readonly contentType?: string;
  readonly partSize?: number;
}

export interface MultipartUpload {
  readonly uploadId: string;
  readonly uploadToken: string;
  readonly objectName: string;
  readonly partSize: number;
  readonly partCount: number;
  readonly expiresAt: Date;
}

/** Names one upload: every call after create carries these three. */
export interface UploadReference {
  readonly objectName: string;
  readonly uploadId: string;
  readonly uploadToken: string;
}

export interface SignPartsRequest extends UploadReference {
  readonly partNumbers: readonly number[];
  /** Part number → base64 MD5 of that part. */
  readonly contentMd5?: Readonly<Record<string, string>>;
}

export interface SignedPart {
  readonly partNumber: number;
  readonly url: string;
  readonly method: 'PUT';
  readonly headers: Readonly<Record<string, string>>;
}

export interface CompleteMultipartRequest extends UploadReference {
  readonly parts: readonly { readonly partNumber: number; readonly etag: string }[];
}

export interface CompletedUpload {
  readonly objectName: string;
  readonly size: number;
  readonly etag: string;
}

const invalid = (message: string) => new DraftError('invalid_request', message);

/**
 * Client-driven multipart uploads into the draft bucket: the server plans the parts, signs
 * each part's exact length, and checks the whole again at complete. What it needs between
 * calls travels in the HMAC-signed upload token, so it keeps no state of its own.
 */
export class MultipartService {
  readonly #store: MultipartStore;
  readonly #objects: Pick<ObjectStore, 'head' | 'delete'>;
  readonly #bucket: string;
  readonly #mainBucket: string | undefined;
  readonly #policy: UploadPolicy;
  readonly #names: NamePolicy;
  readonly #tokens: UploadTokens;
  readonly #uploadTtl: number;
  readonly #lifetime: number;
  readonly #clock: () => Date;
  readonly #accounts: Pick<UsageAccounts, 'admit'> | undefined;

  constructor(options: MultipartServiceOptions) {
    this.#store = options.store;
    this.#objects = options.objects;
    this.#bucket = options.bucket;
    this.#mainBucket = options.mainBucket;
    this.#policy = options.policy;
    this.#names = options.names ?? DEFAULT_NAME_POLICY;
    this.#tokens = options.tokens;
    this.#uploadTtl = options.uploadTtlSeconds;
    this.#lifetime = options.uploadLifetimeSeconds;
    this.#clock = options.clock ?? (() => new Date());
    this.#accounts = options.accounts;
  }

  async create(caller: Caller, request: CreateMultipartRequest): Promise<MultipartUpload> {
    const { name, key } = ownedKey(caller.owner, request.objectName, this.#names);
    enforcePolicy(this.#policy, { contentType: request.contentType, size: request.contentLength });
    if (request.contentLength > MAX_OBJECT_BYTES) {
      throw new DraftError(
        'payload_too_large',
        `The object is ${request.contentLength} bytes; S3 stores at most ${MAX_OBJECT_BYTES} bytes.`,
      );
    }
    const plan = planParts(request.contentLength, request.partSize);
    await this.#accounts?.admit(caller.owner, name, request.contentLength);
    // Taken before the store records the upload's start, so the token always expires
    // before the sweep may abort the upload.
    const issuedAt = this.#clock();
    const expiresAt = new Date(issuedAt.getTime() + this.#lifetime * 1000);
    const marker = randomUUID();
    this.#tokens.prefetchKey();
    const { uploadId } = await this.#store.createUpload({
      bucket: this.#bucket,
      key,
      ...(request.contentType !== undefined && { contentType: request.contentType }),
      metadata: { [UPLOAD_MARKER_METADATA]: marker },
    });
    const uploadToken = await this.#tokens.sign({
      owner: caller.owner,
      key,
      uploadId,
      marker,
      contentLength: plan.contentLength,
      partSize: plan.partSize,
      ...(request.contentType !== undefined && { contentType: request.contentType }),
      expiresAt,
    });
    return {
      uploadId,
      uploadToken,
      objectName: name,
      partSize: plan.partSize,
      partCount: plan.partCount,
      expiresAt,
    };
  }

  async signParts(
    caller: Caller,
    request: SignPartsRequest,
  ): Promise<{ parts: SignedPart[]; expiresAt: Date }> {
    const { key, claims, plan } = await this.#open(caller, request);
    const numbers = request.partNumbers;
    if (numbers.length === 0 || numbers.length > MAX_PARTS_PER_SIGN) {
      throw invalid(`part_numbers: give 1 to ${MAX_PARTS_PER_SIGN} part numbers per call.`);
    }
    if (new Set(numbers).size !== numbers.length) {
      throw invalid('part_numbers: a part number is listed twice.');
    }
    const lengths = numbers.map((number) => partLength(plan, number));
    const md5s = request.contentMd5 ?? {};
    for (const given of Object.keys(md5s)) {
      if (!numbers.includes(Number(given))) {
        throw invalid(`content_md5: part ${given} is not in part_numbers.`);
      }
    }
    const now = this.#clock();
    const tokenLeft = Math.floor((claims.expiresAt.getTime() - now.getTime()) / 1000);
    // A part URL never outlives the token that names its upload.
    const expiresIn = Math.max(1, Math.min(this.#uploadTtl, tokenLeft));
    const parts = await Promise.all(
      numbers.map(async (partNumber, index): Promise<SignedPart> => {
        const md5 = md5s[String(partNumber)];
        const signed = await this.#store.presignPart({
          bucket: this.#bucket,
          key,
          uploadId: claims.uploadId,
          partNumber,
          contentLength: lengths[index]!,
          ...(md5 !== undefined && { contentMd5: md5 }),
          expiresInSeconds: expiresIn,
        });
        return { partNumber, url: signed.url, method: 'PUT', headers: signed.headers };
      }),
    );
    return { parts, expiresAt: new Date(now.getTime() + expiresIn * 1000) };
  }

  /** Every part uploaded so far, paging through the store's listing. */
  async listParts(caller: Caller, request: UploadReference): Promise<UploadedPart[]> {
    const { key, claims, name } = await this.#open(caller, request);
    const parts: UploadedPart[] = [];
    let marker: number | undefined;
    try {
      do {
        const page = await this.#store.listParts({
          bucket: this.#bucket,
          key,
          uploadId: claims.uploadId,
          maxParts: MAX_KEYS_PER_LIST_PAGE,
          ...(marker !== undefined && { partNumberMarker: marker }),
        });
        parts.push(...page.parts);
        // A marker that does not move on would page forever.
        marker =
          page.nextPartNumberMarker !== undefined && page.nextPartNumberMarker !== marker
            ? page.nextPartNumberMarker
            : undefined;
      } while (marker !== undefined);
    } catch (error) {
      throw this.#gone(error, name, claims.uploadId);
    }
    return parts;
  }

  /**
   * Assembles the parts into the draft. The policy is checked before (from the token) and
   * after (from the stored object): an upload that breaks it is aborted, or its draft
   * removed, and the answer is 413 or 415. A retry after success answers the same.
   */
  async complete(caller: Caller, request: CompleteMultipartRequest): Promise<CompletedUpload> {
    const { key, claims, plan, name } = await this.#open(caller, request);
    const parts = completeParts(plan, request.parts);
    try {
      enforcePolicy(this.#policy, { contentType: claims.contentType, size: claims.contentLength });
    } catch (error) {
      await this.#store.abortMultipartUpload(this.#bucket, key, claims.uploadId);
      throw error;
    }
    try {
      await this.#store.completeUpload({
        bucket: this.#bucket,
        key,
        uploadId: claims.uploadId,
        parts,
      });
    } catch (error) {
      // Gone: completed by an earlier call (then the draft says so, or the object confirm
      // made of it) or aborted. Ceph RGW answers a repeat whose draft is no longer there
      // 500 "completion already in progress" rather than NoSuchUpload, so that is checked too.
      if (!isDraftError(error) || !['not_found', 'storage_unavailable'].includes(error.code)) {
        throw error;
      }
      const draft = await this.#objects.head(this.#bucket, key);
      if (draft?.metadata[UPLOAD_MARKER_METADATA] === claims.marker) {
        return this.#checked(name, key, claims, draft);
      }
      const confirmed = await this.#confirmedCopy(key, claims);
      if (confirmed) return { objectName: name, ...confirmed };
      throw this.#gone(error, name, claims.uploadId);
    }
    const draft = await this.#objects.head(this.#bucket, key);
    if (!draft) {
      // A confirm racing this call may have moved the draft to main since: RGW also answers
      // a repeated complete 200 while the draft still exists, so even a retry lands here.
      const confirmed = await this.#confirmedCopy(key, claims);
      if (confirmed) return { objectName: name, ...confirmed };
      throw new DraftError('not_found', `The draft "${name}" disappeared right after completion.`);
    }
    return this.#checked(name, key, claims, draft);
  }

  /** Aborts the upload, and removes the draft it became if it was completed. Idempotent. */
  async abort(caller: Caller, request: UploadReference): Promise<void> {
    const { key, claims } = await this.#open(caller, request);
    await this.#store.abortMultipartUpload(this.#bucket, key, claims.uploadId);
    const draft = await this.#objects.head(this.#bucket, key);
    if (draft?.metadata[UPLOAD_MARKER_METADATA] === claims.marker) {
      await this.#removeDraft(key, draft);
    }
  }

  /**
   * The first answer again, for an upload completed and then confirmed: main holds the
   * draft's copy, with the upload's marker (confirm keeps the metadata) and the draft's
   * ETag (confirm records it). Checked when it was confirmed; nothing to remove here.
   */
  async #confirmedCopy(
    key: string,
    claims: UploadClaims,
  ): Promise<{ size: number; etag: string } | undefined> {
    if (this.#mainBucket === undefined) return undefined;
    const main = await this.#objects.head(this.#mainBucket, key);
    const draftEtag = main?.metadata[CONFIRMED_FROM_METADATA];
    if (main?.metadata[UPLOAD_MARKER_METADATA] !== claims.marker || draftEtag === undefined) {
      return undefined;
    }
    return { size: main.size, etag: draftEtag };
  }

  async #checked(
    name: string,
    key: string,
    claims: UploadClaims,
    draft: ObjectInfo,
  ): Promise<CompletedUpload> {
    try {
      enforcePolicy(this.#policy, { contentType: draft.contentType, size: draft.size });
      if (draft.size !== claims.contentLength) {
        throw new DraftError(
          draft.size > claims.contentLength ? 'payload_too_large' : 'invalid_request',
          `The upload is ${draft.size} bytes; ${claims.contentLength} were declared.`,
        );
      }
    } catch (error) {
      await this.#removeDraft(key, draft);
      throw error;
    }
    return { objectName: name, size: draft.size, etag: unquote(draft.etag) };
  }

  async #removeDraft(key: string, draft: ObjectInfo): Promise<void> {
    try {
      await this.#objects.delete(this.#bucket, key, { ifMatch: draft.etag });
    } catch (error) {
      // Gone, or replaced by a newer upload that is not ours to remove.
      if (isDraftError(error) && (error.code === 'not_found' || error.code === 'conflict')) return;
      throw error;
    }
  }

  /** Verifies the token and that it names this caller's key and this upload id. */
  async #open(caller: Caller, request: UploadReference) {
    const { name, key } = ownedKey(caller.owner, request.objectName, this.#names);
    const claims = await this.#tokens.verify(request.uploadToken);
    if (
      claims.owner !== caller.owner ||
      claims.key !== key ||
      claims.uploadId !== request.uploadId
    ) {
      // As for another owner's objects: this caller has no such upload.
      throw new DraftError(
        'not_found',
        `No multipart upload "${request.uploadId}" for "${name}" (the upload_token names another).`,
      );
    }
    const plan: PartPlan = {
      contentLength: claims.contentLength,
      partSize: claims.partSize,
      partCount: Math.ceil(claims.contentLength / claims.partSize),
    };
    return { name, key, claims, plan };
  }

  #gone(error: unknown, name: string, uploadId: string): unknown {
    if (isDraftError(error) && error.code === 'not_found') {
      return new DraftError(
        'not_found',
        `No multipart upload "${uploadId}" for "${name}": it was completed, aborted or expired.`,
        { cause: error },
      );
    }
    return error;
  }
}

/** The complete list of parts, each once, in order; a missing or unknown part is the client's mistake. */
const completeParts = (
  plan: PartPlan,
  given: CompleteMultipartRequest['parts'],
): { partNumber: number; etag: string }[] => {
  const byNumber = new Map<number, string>();
  for (const part of given) {
    partLength(plan, part.partNumber, 'parts');
    if (byNumber.has(part.partNumber)) {
      throw invalid(`parts: part ${part.partNumber} is listed twice.`);
    }
    byNumber.set(part.partNumber, part.etag);
  }
  const parts: { partNumber: number; etag: string }[] = [];
  for (let number = 1; number <= plan.partCount; number += 1) {
    const etag = byNumber.get(number);
    if (etag === undefined) {
      throw invalid(`parts: part ${number} of ${plan.partCount} is missing.`);
    }
    parts.push({ partNumber: number, etag });
  }
  return parts;
};
