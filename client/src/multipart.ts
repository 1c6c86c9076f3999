import { checkCompleted, checkCreated, checkListed, isListedPart, partCountOf } from './answers.js';
import { abortedError, DraftStoreError, isAborted } from './errors.js';
import { checksummed } from './part-checksum.js';
import { PartSigner } from './part-signer.js';
import { isResumeRecord, type ResumeRecord, type ResumeStore } from './resume-store.js';
import { withRetry } from './retry.js';
import type { UploadSource } from './source.js';
import { isExpiredUrl, storeError } from './store-error.js';
import { isRetryablePut, URL_EXPIRED, type UploadContext } from './upload-context.js';
import type {
  MultipartCompleteRequest,
  MultipartCompleteResponse,
  MultipartCreateRequest,
  MultipartCreateResponse,
  MultipartListPartsResponse,
  MultipartUploadRef,
} from './wire.js';

export interface MultipartOptions {
  readonly objectName: string;
  readonly contentType?: string | undefined;
  readonly partSize?: number | undefined;
  readonly concurrency: number;
  /** Where unfinished uploads are remembered; undefined when resume is off. */
  readonly resume?: { readonly store: ResumeStore; readonly fingerprint: string } | undefined;
  readonly keepForResume: boolean;
}

export interface MultipartResult extends MultipartCompleteResponse {
  readonly upload_id: string;
  readonly part_count: number;
  /** Parts this call sent (the others were already in the store: resumed). */
  readonly parts_sent: number;
  /** PUT requests this call made, retries included. */
  readonly puts: number;
  readonly resumed: boolean;
}

/** How long a failed or cancelled upload waits for its abort call. */
const CLEANUP_TIMEOUT_MS = 3_000;

interface DonePart {
  readonly etag: string;
  readonly size: number;
}

const partCount = partCountOf;
const partLength = (size: number, partSize: number, part: number) =>
  Math.min(size, part * partSize) - (part - 1) * partSize;

/** An earlier run's upload that the server says is complete: nothing left to send. */
const completedResult = (
  context: UploadContext,
  source: UploadSource,
  resumed: { readonly record: ResumeRecord; readonly completed: MultipartCompleteResponse },
): MultipartResult => {
  const count = partCount(source.size, resumed.record.part_size);
  context.progress.reportStored(
    new Map(
      Array.from({ length: count }, (_, i) => [
        i + 1,
        partLength(source.size, resumed.record.part_size, i + 1),
      ]),
    ),
  );
  context.progress.finish();
  return {
    ...resumed.completed,
    upload_id: resumed.record.upload_id,
    part_count: count,
    parts_sent: 0,
    puts: 0,
    resumed: true,
  };
};

type Resumed =
  | { readonly record: ResumeRecord; readonly done: Map<number, DonePart> }
  | { readonly record: ResumeRecord; readonly completed: MultipartCompleteResponse };

const refOf = (record: ResumeRecord): MultipartUploadRef => ({
  object_name: record.object_name,
  upload_id: record.upload_id,
  upload_token: record.upload_token,
});

const isClientError = (error: unknown): error is DraftStoreError =>
  error instanceof DraftStoreError && error.status >= 400 && error.status < 500;

/**
 * An upload that is gone although an earlier run had sent its complete: the run died before
 * it heard the answer. The same complete again is answered as the first one when the server
 * finds this upload's draft (it checks the marker of the signed token, not these ETags);
 * anything else (aborted, expired, replaced) means starting over. So does a server error
 * that outlasts the retries: Ceph RGW answers a repeated complete whose draft was since
 * deleted with 500 "completion already in progress", for good, and a record kept for that
 * would fail every rerun. Without an answer at all (network, cancel) the record stays.
 */
const completedEarlier = async (
  context: UploadContext,
  record: ResumeRecord,
): Promise<MultipartCompleteResponse | undefined> => {
  if (!record.parts?.length) return undefined;
  const complete: MultipartCompleteRequest = {
    ...refOf(record),
    parts: record.parts.map((etag, index) => ({ part_number: index + 1, etag })),
  };
  try {
    return await context.api.post<MultipartCompleteResponse>(
      '/api/v1/multipart/complete',
      complete,
      context.signal,
    );
  } catch (error) {
    if (error instanceof DraftStoreError && error.status >= 400) return undefined;
    throw error;
  }
};

/**
 * The parts an earlier run left, if the remembered upload still exists and is ours, or the
 * draft it became if that run completed it. A token the server no longer accepts (expired,
 * aborted upload) means starting over.
 */
const resumeFrom = async (
  context: UploadContext,
  options: MultipartOptions,
): Promise<Resumed | undefined> => {
  if (!options.resume) return undefined;
  const record = await options.resume.store.get(options.resume.fingerprint);
  // Checked here too: a caller's own store may hand back anything (a part_size of 0 would
  // make endless parts). Such a record is as good as none.
  if (!isResumeRecord(record) || record.object_name !== options.objectName) return undefined;
  try {
    const listed = checkListed(
      await context.api.post<MultipartListPartsResponse>(
        '/api/v1/multipart/list-parts',
        refOf(record),
        context.signal,
      ),
    );
    // Entries that name no real part (0, -1, 1.5) are left out: complete would send them.
    return {
      record,
      done: new Map(
        listed.parts
          .filter(isListedPart)
          .map((part) => [part.part_number, { etag: part.etag, size: part.size }]),
      ),
    };
  } catch (error) {
    if (!isClientError(error)) throw error;
    const completed = error.status === 404 ? await completedEarlier(context, record) : undefined;
    if (completed) return { record, completed };
    await options.resume.store.delete(options.resume.fingerprint);
    return undefined;
  }
};

const sendPart = async (
  context: UploadContext,
  signer: PartSigner,
  source: UploadSource,
  record: ResumeRecord,
  part: number,
  signal: AbortSignal,
  countPut: () => void,
): Promise<string> => {
  const start = (part - 1) * record.part_size;
  const end = Math.min(source.size, start + record.part_size);
  const { body, contentMd5 } = await checksummed(source.slice(start, end), context.checksum);
  return withRetry(
    context.retry,
    signal,
    async () => {
      const url = await signer.get(part, contentMd5);
      countPut();
      const response = await context.transport({
        url: url.url,
        headers: url.headers,
        body,
        onProgress: (sent) => context.progress.report(part, sent),
        signal,
      });
      if (response.status >= 200 && response.status < 300) {
        if (!response.etag) {
          throw new DraftStoreError(
            response.status,
            'missing_etag',
            'The store answered a part without a readable ETag (CORS must expose ETag).',
          );
        }
        return response.etag;
      }
      if (isExpiredUrl(response, url.expiresAt, context.now())) {
        signer.invalidate(part);
        throw new DraftStoreError(403, URL_EXPIRED, `The URL of part ${part} expired.`);
      }
      throw storeError(response);
    },
    isRetryablePut,
  );
};

/**
 * A multipart upload: create (or resume), sign, PUT the missing parts `concurrency` at
 * a time, complete. The first part that fails for good stops the others. A successful
 * upload's resume record stays for the caller to forget once it is done with the draft
 * (after confirm): a run that dies before then finds the draft again on the rerun.
 */
export const multipartUpload = async (
  context: UploadContext,
  source: UploadSource,
  options: MultipartOptions,
): Promise<MultipartResult> => {
  const resumed = await resumeFrom(context, options);
  if (resumed && 'completed' in resumed) return completedResult(context, source, resumed);
  let record: ResumeRecord;
  if (resumed) {
    record = resumed.record;
  } else {
    const request: MultipartCreateRequest = {
      object_name: options.objectName,
      content_length: source.size,
      ...(options.contentType && { content_type: options.contentType }),
      ...(options.partSize && { part_size: options.partSize }),
    };
    const created = checkCreated(
      await context.api.post<MultipartCreateResponse>(
        '/api/v1/multipart/create',
        request,
        context.signal,
      ),
      source.size,
    );
    record = {
      upload_id: created.upload_id,
      upload_token: created.upload_token,
      part_size: created.part_size,
      object_name: created.object_name,
    };
    await options.resume?.store.set(options.resume.fingerprint, record);
  }
  const ref: MultipartUploadRef = {
    object_name: record.object_name,
    upload_id: record.upload_id,
    upload_token: record.upload_token,
  };
  const count = partCount(source.size, record.part_size);
  const expectedSize = (part: number) => partLength(source.size, record.part_size, part);
  const etags = new Map<number, string>();
  const stored = new Map<number, number>();
  for (const [part, done] of resumed?.done ?? []) {
    if (part <= count && done.size === expectedSize(part)) {
      etags.set(part, done.etag);
      stored.set(part, done.size);
    }
  }
  context.progress.reportStored(stored);
  const wanted = Array.from({ length: count }, (_, i) => i + 1).filter((part) => !etags.has(part));

  // One failed part cancels its siblings; the caller's signal cancels everything.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  context.signal?.addEventListener('abort', onAbort, { once: true });
  const signer = new PartSigner(context.api, ref, wanted, context.now, stop.signal);
  let puts = 0;
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < wanted.length) {
      const part = wanted[next++] as number;
      try {
        etags.set(
          part,
          await sendPart(context, signer, source, record, part, stop.signal, () => puts++),
        );
      } catch (error) {
        failure ??= error;
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, wanted.length) }, worker));
  } finally {
    context.signal?.removeEventListener('abort', onAbort);
  }

  if (failure !== undefined || context.signal?.aborted) {
    const cancelled = context.signal?.aborted === true;
    // Kept: a cancel with keepForResume, or any other failure when resume is on.
    const keep = cancelled ? options.keepForResume && options.resume : options.resume;
    if (!keep) {
      // Bounded: a cancel must end promptly even when the API no longer answers; an upload
      // this leaves behind is the sweep's, as any abandoned one.
      await context.api
        .post('/api/v1/multipart/abort', ref, AbortSignal.timeout(CLEANUP_TIMEOUT_MS))
        .catch(() => undefined);
      await options.resume?.store.delete(options.resume.fingerprint);
    }
    throw cancelled || isAborted(failure) ? abortedError() : failure;
  }

  const complete: MultipartCompleteRequest = {
    ...ref,
    parts: [...etags]
      .sort(([a], [b]) => a - b)
      .map(([part_number, etag]) => ({ part_number, etag })),
  };
  // Remembered before complete goes out, so a run killed before it hears the answer lets
  // the rerun ask again rather than send every part. Only an optimisation: a store that
  // cannot save it (full localStorage) leaves the record as it was, and the upload goes on.
  await options.resume?.store
    .set(options.resume.fingerprint, {
      ...record,
      parts: complete.parts.map((part) => part.etag),
    })
    .catch(() => undefined);
  // Once every part is in, a cancel no longer stops anything: the server would complete
  // the upload anyway, and a rerun would find it gone and send every part again. Retried
  // like the other calls: the server answers a repeated complete as the first one.
  const completed = checkCompleted(
    await context.api.post<MultipartCompleteResponse>('/api/v1/multipart/complete', complete),
    source.size,
  );
  return {
    ...completed,
    upload_id: record.upload_id,
    part_count: count,
    parts_sent: wanted.length,
    puts,
    resumed: resumed !== undefined,
  };
};
