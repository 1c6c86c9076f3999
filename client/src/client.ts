import { checkConfirmed, checkDownloadUrl, checkUsage } from './answers.js';
import { Api } from './api.js';
import { DraftStoreError } from './errors.js';
import { multipartUpload } from './multipart.js';
import { isNode, nodeOnly } from './node-only.js';
import { ProgressTracker, type UploadProgress } from './progress.js';
import {
  fingerprintOf,
  localStorageResumeStore,
  memoryResumeStore,
  type ResumeStore,
} from './resume-store.js';
import { DEFAULT_RETRY, waitBefore, type RetryPolicy } from './retry.js';
import { singlePut } from './single-put.js';
import { blobSource, type UploadSource } from './source.js';
import { fetchTransport } from './transport-fetch.js';
import type { PutTransport } from './transport.js';
import { hasXhr, xhrTransport } from './transport-xhr.js';
import type { UploadContext } from './upload-context.js';
import type {
  ConfirmResponse,
  DeleteObjectResponse,
  DownloadUrlResponse,
  ListObjectsRequest,
  ListObjectsResponse,
  ObjectInfoResponse,
  UsageResponse,
} from './wire.js';

const MIB = 1024 * 1024;

/** Waits between confirms of a draft whose malware verdict is pending, without `Retry-After`. */
const SCAN_BACKOFF = { firstMs: 1000, maxMs: 15_000 } as const;

export interface DraftStoreClientOptions {
  /** The API, e.g. `http://127.0.0.1:8080` or the deployed API Gateway URL. */
  readonly baseUrl: string;
  /** The bearer JWT, when the API has an authorizer. */
  readonly token?: string | undefined;
  /** Files up to this size go up in one PUT, larger ones in parts. @default 16 MiB */
  readonly multipartThreshold?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default XMLHttpRequest in browsers, node:http(s) in Node, else fetch */
  readonly transport?: PutTransport;
  /** @default localStorage in browsers, a file in the user's cache directory in Node */
  readonly resumeStore?: ResumeStore;
  /** @default Date.now */
  readonly now?: () => number;
  /**
   * How long `confirm` waits out `scan_pending` (the malware verdict is not in yet), in total,
   * asking again as the server's `Retry-After` says; then it fails with that error. 0: no wait.
   * @default 5 minutes
   */
  readonly scanWaitMs?: number;
}

export interface ConfirmOptions {
  /** Cancels the confirm, also while it waits for a pending scan. */
  readonly signal?: AbortSignal | undefined;
}

export interface UploadOptions {
  /** @default the file's name */
  readonly objectName?: string;
  /** @default the Blob's type; none for paths */
  readonly contentType?: string;
  /** Confirm the draft into the main bucket once the bytes are in. @default false */
  readonly confirm?: boolean;
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Cancels the upload while bytes are going up; once they are all in, it runs to the end. */
  readonly signal?: AbortSignal;
  /** Parts in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Asked of the server, which may raise it (at most 10,000 parts, at least 5 MiB). */
  readonly partSize?: number;
  /** Sign each body's MD5, so the store refuses corrupted bytes. @default false */
  readonly checksum?: 'md5' | false;
  /** Remember multipart uploads and continue them on a later call. @default true */
  readonly resume?: boolean;
  /** On cancel, leave the multipart upload for a later resume instead of aborting it. */
  readonly keepForResume?: boolean;
}

export interface UploadResult {
  readonly object_name: string;
  readonly size: number;
  readonly etag: string | null;
  readonly multipart: boolean;
  readonly part_count: number;
  readonly parts_sent: number;
  readonly puts: number;
  readonly resumed: boolean;
  readonly confirmed?: ConfirmResponse;
}

/** The DraftStore API for browsers and Node: resumable uploads, confirm, download URLs. */
export class DraftStoreClient {
  private readonly api: Api;
  private readonly options: DraftStoreClientOptions;
  private readonly retry: RetryPolicy;
  private transport?: PutTransport;
  private resumeStore?: ResumeStore;

  constructor(options: DraftStoreClientOptions) {
    if (!options.baseUrl) throw new TypeError('DraftStoreClient needs a baseUrl');
    this.options = options;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.api = new Api({
      baseUrl: options.baseUrl,
      token: options.token,
      fetch: options.fetch ?? ((...args) => globalThis.fetch(...args)),
      retry: this.retry,
    });
    if (options.transport) this.transport = options.transport;
    if (options.resumeStore) this.resumeStore = options.resumeStore;
  }

  async upload(input: Blob | string, options: UploadOptions = {}): Promise<UploadResult> {
    const source = await this.sourceOf(input, options.contentType);
    try {
      return await this.uploadSource(source, options);
    } finally {
      await source.close?.();
    }
  }

  /**
   * Moves the draft to main; safe to retry. A `scan_pending` answer is waited out (see
   * `scanWaitMs`); a refused draft is a DraftStoreError `content_rejected` with its `reason`.
   */
  async confirm(
    objectName: string,
    options: ConfirmOptions | AbortSignal = {},
  ): Promise<ConfirmResponse> {
    const signal = options instanceof AbortSignal ? options : options.signal;
    return this.confirmWaiting(objectName, signal, signal);
  }

  /** `requestSignal` cancels the confirm requests, `waitSignal` the waits between them. */
  private async confirmWaiting(
    objectName: string,
    requestSignal: AbortSignal | undefined,
    waitSignal: AbortSignal | undefined,
  ): Promise<ConfirmResponse> {
    const budget = this.options.scanWaitMs ?? 5 * 60_000;
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        return checkConfirmed(
          await this.api.post<ConfirmResponse>(
            '/api/v1/confirm-upload',
            { object_name: objectName },
            requestSignal,
          ),
        );
      } catch (error) {
        if (!(error instanceof DraftStoreError) || error.code !== 'scan_pending') throw error;
        const backoff = Math.min(SCAN_BACKOFF.maxMs, SCAN_BACKOFF.firstMs * 2 ** attempt);
        const delayMs = Math.min(error.retryAfterMs ?? backoff, budget - waited);
        if (delayMs <= 0) throw error;
        waited += delayMs;
        const wait = { delayMs, retryAfter: error.retryAfterMs !== undefined, attempt };
        await waitBefore(this.retry, error, wait, waitSignal);
      }
    }
  }

  async downloadUrl(
    objectName: string,
    options: { stage?: 'draft' | 'main'; signal?: AbortSignal } = {},
  ): Promise<DownloadUrlResponse> {
    return checkDownloadUrl(
      await this.api.post<DownloadUrlResponse>(
        '/api/v1/download-url',
        { object_name: objectName, ...(options.stage && { stage: options.stage }) },
        options.signal,
      ),
    );
  }

  /** One page of the caller's objects (confirmed ones by default); `next_cursor` asks for the next. */
  listObjects(
    request: ListObjectsRequest = {},
    signal?: AbortSignal,
  ): Promise<ListObjectsResponse> {
    return this.api.post<ListObjectsResponse>('/api/v1/list-objects', request, signal);
  }

  /** Size, type, ETag, time, metadata (and an image's width and height) of one object. */
  objectInfo(
    objectName: string,
    options: { stage?: 'draft' | 'main'; signal?: AbortSignal } = {},
  ): Promise<ObjectInfoResponse> {
    return this.api.post<ObjectInfoResponse>(
      '/api/v1/object-info',
      { object_name: objectName, ...(options.stage && { stage: options.stage }) },
      options.signal,
    );
  }

  /** Deletes a confirmed object (`stage: 'main'`, the default) or discards a draft; idempotent. */
  deleteObject(
    objectName: string,
    options: { stage?: 'draft' | 'main'; signal?: AbortSignal } = {},
  ): Promise<DeleteObjectResponse> {
    return this.api.post<DeleteObjectResponse>(
      '/api/v1/delete-object',
      { object_name: objectName, stage: options.stage ?? 'main' },
      options.signal,
    );
  }

  /** The caller's confirmed bytes and objects, and their quota (`null`: unlimited). */
  usage(signal?: AbortSignal): Promise<UsageResponse> {
    return this.api.post<UsageResponse>('/api/v1/usage', {}, signal).then(checkUsage);
  }

  /** Aborts a multipart upload by hand (idempotent), e.g. one left by a cancelled run. */
  async abort(objectName: string, uploadId: string, uploadToken: string): Promise<void> {
    await this.api.post('/api/v1/multipart/abort', {
      object_name: objectName,
      upload_id: uploadId,
      upload_token: uploadToken,
    });
  }

  /**
   * POSTs `body` to one JSON route of the REST API, with the client's token and retries: for
   * integrations such as `@draftstore/client/uppy`.
   */
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.api.post<T>(path, body, signal);
  }

  private async uploadSource(source: UploadSource, options: UploadOptions): Promise<UploadResult> {
    const objectName = options.objectName ?? source.name;
    const contentType = options.contentType ?? (source.type || undefined);
    const context: UploadContext = {
      api: this.api,
      transport: await this.transportFor(),
      retry: this.retry,
      progress: new ProgressTracker(source.size, options.onProgress),
      signal: options.signal,
      checksum: options.checksum ?? false,
      now: this.options.now ?? Date.now,
    };
    const threshold = this.options.multipartThreshold ?? 16 * MIB;
    let result: UploadResult;
    let resume: { store: ResumeStore; fingerprint: string } | undefined;
    if (source.size <= threshold) {
      const { etag } = await singlePut(context, source, objectName, contentType);
      context.progress.finish();
      result = {
        object_name: objectName,
        size: source.size,
        etag: etag?.replace(/"/g, '') ?? null,
        multipart: false,
        part_count: 1,
        parts_sent: 1,
        puts: 1,
        resumed: false,
      };
    } else {
      const store = options.resume === false ? undefined : await this.resumeStoreFor();
      resume = store && { store, fingerprint: fingerprintOf(this.api.baseUrl, objectName, source) };
      const uploaded = await multipartUpload(context, source, {
        objectName,
        contentType,
        partSize: options.partSize,
        concurrency: Math.max(1, options.concurrency ?? 4),
        resume,
        keepForResume: options.keepForResume ?? false,
      });
      result = {
        object_name: uploaded.object_name,
        size: uploaded.size,
        etag: uploaded.etag,
        multipart: true,
        part_count: uploaded.part_count,
        parts_sent: uploaded.parts_sent,
        puts: uploaded.puts,
        resumed: uploaded.resumed,
      };
    }
    // The confirm request is not cancellable either: a draft left unconfirmed by a late cancel
    // would make a rerun upload the whole file again; confirm is one short call and safe to
    // repeat. Waiting out a pending malware scan can take minutes, so those waits do stop on the
    // signal (a multipart upload's kept record lets the rerun confirm without sending it again).
    if (options.confirm) {
      const confirmed = await this.confirmWaiting(result.object_name, undefined, options.signal);
      result = { ...result, confirmed };
    }
    // Forgotten only now: a run that dies before (or a confirm that fails) leaves the record,
    // and the rerun finds the draft through it instead of sending the file again.
    await resume?.store.delete(resume.fingerprint);
    return result;
  }

  private async sourceOf(input: Blob | string, contentType?: string): Promise<UploadSource> {
    if (typeof input !== 'string') return blobSource(input);
    if (!isNode()) {
      throw new DraftStoreError(0, 'invalid_input', 'Paths can be uploaded from Node only.');
    }
    const { fileSource } = await nodeOnly<typeof import('./node-source.js')>('./node-source.js');
    return fileSource(input, contentType);
  }

  private async transportFor(): Promise<PutTransport> {
    if (this.transport) return this.transport;
    if (hasXhr()) this.transport = xhrTransport;
    else if (isNode()) {
      this.transport = (
        await nodeOnly<typeof import('./transport-node.js')>('./transport-node.js')
      ).nodeTransport;
    } else this.transport = fetchTransport((...args) => globalThis.fetch(...args));
    return this.transport;
  }

  private async resumeStoreFor(): Promise<ResumeStore> {
    if (this.resumeStore) return this.resumeStore;
    if (typeof localStorage !== 'undefined') this.resumeStore = localStorageResumeStore();
    else if (isNode()) {
      this.resumeStore = (
        await nodeOnly<typeof import('./resume-store-file.js')>('./resume-store-file.js')
      ).fileResumeStore();
    } else this.resumeStore = memoryResumeStore();
    return this.resumeStore;
  }
}
