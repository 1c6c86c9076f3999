import { isDraftError } from './errors.js';
import type {
  DeleteError,
  DeleteManyResult,
  ListedObject,
  MultipartUploadInfo,
  ObjectStore,
} from './object-store.js';
import { MAX_KEYS_PER_DELETE, MAX_KEYS_PER_LIST_PAGE } from './s3-limits.js';

/**
 * Multipart uploads in the main bucket older than this are abandoned copies: only
 * confirm starts them, and a confirm lasts 29 s behind API Gateway, 15 min at most.
 */
export const ABANDONED_COPY_SECONDS = 3600;

/** A batch is one listing page and one DeleteObjects request, so it fits both. */
const MAX_SWEEP_BATCH = Math.min(MAX_KEYS_PER_LIST_PAGE, MAX_KEYS_PER_DELETE);

/** Per-key DeleteObjects error codes worth another attempt; any other code is reported. */
export const RETRYABLE_DELETE_CODES: ReadonlySet<string> = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'Throttling',
  'ThrottlingException',
  'OperationAborted',
]);

/** Where the cleaner reports what it could not remove; the shared logger fits. */
export interface CleanerLog {
  warn(message: string, details: Record<string, unknown>): void;
}

export interface CleanerOptions {
  readonly store: ObjectStore;
  /** The draft bucket. */
  readonly bucket: string;
  /**
   * The main bucket, whose multipart uploads (confirm's copies in parts) are aborted once
   * older than abandonedCopySeconds. Its objects are never touched. @default none
   */
  readonly mainBucket?: string;
  /** @default ABANDONED_COPY_SECONDS */
  readonly abandonedCopySeconds?: number;
  /** A draft older than this is expired (OBJECT_LIFETIME). */
  readonly lifetimeSeconds: number;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Waits between retries. @default a setTimeout promise */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default a log that drops everything */
  readonly log?: CleanerLog;
  /**
   * Attempts per key (and per request: list pages, deletes, aborts) for retryable
   * failures. @default 4
   */
  readonly maxAttempts?: number;
  /**
   * The step of the first retry; each later step is twice as long, up to backoffMaxMs.
   * A wait is drawn between half and all of its step (jitter), so batches that failed
   * together do not retry together. @default 200
   */
  readonly backoffBaseMs?: number;
  /** @default 5000 */
  readonly backoffMaxMs?: number;
  /** Numbers in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
  /** Keys per list page and per delete request, at most 1000. @default 1000 */
  readonly batchSize?: number;
}

export interface SweepOptions {
  /** Count what is expired but remove nothing. @default false */
  readonly dryRun?: boolean;
  /**
   * Only one owner's drafts: `<owner>/`. A missing trailing `/` is added, so `alice`
   * never reaches `alice2/`. @default the whole bucket
   */
  readonly prefix?: string;
  /** Delete requests in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Time left before the caller's deadline (Lambda's getRemainingTimeInMillis). @default no deadline */
  readonly remainingTimeMs?: () => number;
  /** The sweep stops once no more than this is left. @default 10000 */
  readonly safetyMarginMs?: number;
}

export interface SweepSummary {
  /** Objects listed. */
  readonly scanned: number;
  /** Listed objects past their lifetime; at least deleted + replaced + failed, equal when complete. */
  readonly expired: number;
  readonly deleted: number;
  /**
   * Expired drafts re-uploaded between listing and delete, which the store kept because
   * their ETag no longer matched (AWS); not counted as failed.
   */
  readonly replaced: number;
  /** Expired objects and stale uploads that could not be removed; logged. */
  readonly failed: number;
  /**
   * Listed multipart uploads started before the cutoff (in main: abandoned copies); in a
   * dry run, those it would abort.
   */
  readonly staleUploads: number;
  readonly abortedUploads: number;
  /**
   * Multipart-upload listings that failed for good (retries spent); logged. Aborting
   * stale uploads is best-effort: the object sweep runs anyway.
   */
  readonly uploadListingFailures: number;
  /** Sizes of the deleted objects. */
  readonly bytesFreed: number;
  readonly durationMs: number;
  /** False when the time budget ran out: the next sweep continues where this one stopped. */
  readonly complete: boolean;
  readonly dryRun: boolean;
}

const silent: CleanerLog = { warn: () => undefined };
const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Failures of a whole request that another attempt may cure. */
const retryableRequest = (error: unknown) =>
  isDraftError(error) && error.code === 'storage_unavailable';
/** Logged failures name a few keys, never thousands. */
const SAMPLE_KEYS = 10;
/** What a retried request returns when the time left cannot cover the next wait. */
const STOPPED: unique symbol = Symbol('stopped');

const positiveInteger = (name: string, value: number, max = Number.MAX_SAFE_INTEGER): number => {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`${name} must be a whole number from 1 to ${max}, got ${value}`);
  }
  return value;
};

/**
 * Removes drafts older than their lifetime, and multipart uploads started before
 * then (in the main bucket: confirm's copies abandoned for abandonedCopySeconds). It streams the listing a page at a time, deletes in batches of up to 1000
 * keys with a bounded number of requests in flight, retries what S3 says to retry
 * (with jittered backoff), and stops before the caller's deadline. Aborting uploads is
 * best-effort: it never keeps the objects from being swept. Every sweep starts from the
 * top, so a sweep that ran out of time is simply continued by the next one.
 */
/**
 * The key prefix a sweep limited to `prefix` lists: one owner's `<owner>/`. Throws a
 * RangeError for a prefix that names no owner ('', '/'), which would sweep everyone's
 * drafts; callers that take it from a person (the CLI) check it up front with this.
 */
export const sweepPrefix = (prefix: string): string => {
  const trimmed = prefix.trim();
  if (trimmed === '' || trimmed === '/') {
    throw new RangeError('prefix must name an owner, e.g. "alice/"');
  }
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
};

export class Cleaner {
  readonly #store: ObjectStore;
  readonly #bucket: string;
  readonly #mainBucket: string | undefined;
  readonly #abandonedCopyMs: number;
  readonly #lifetimeMs: number;
  readonly #clock: () => Date;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #log: CleanerLog;
  readonly #maxAttempts: number;
  readonly #backoffBaseMs: number;
  readonly #backoffMaxMs: number;
  readonly #random: () => number;
  readonly #batchSize: number;

  constructor(options: CleanerOptions) {
    this.#store = options.store;
    this.#bucket = options.bucket;
    this.#mainBucket = options.mainBucket;
    this.#abandonedCopyMs =
      positiveInteger(
        'abandonedCopySeconds',
        options.abandonedCopySeconds ?? ABANDONED_COPY_SECONDS,
      ) * 1000;
    this.#lifetimeMs = positiveInteger('lifetimeSeconds', options.lifetimeSeconds) * 1000;
    this.#clock = options.clock ?? (() => new Date());
    this.#sleep = options.sleep ?? wait;
    this.#log = options.log ?? silent;
    this.#maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 4);
    this.#backoffBaseMs = Math.max(0, options.backoffBaseMs ?? 200);
    this.#backoffMaxMs = Math.max(this.#backoffBaseMs, options.backoffMaxMs ?? 5000);
    this.#random = options.random ?? Math.random;
    this.#batchSize = positiveInteger(
      'batchSize',
      options.batchSize ?? MAX_SWEEP_BATCH,
      MAX_SWEEP_BATCH,
    );
  }

  /** The instant before which a draft last modified is expired. */
  cutoff(): Date {
    return new Date(this.#clock().getTime() - this.#lifetimeMs);
  }

  async sweep(options: SweepOptions = {}): Promise<SweepSummary> {
    const started = performance.now();
    const run = new SweepRun(this.#context(options));
    // The three listings are independent, so they go out together: a sweep of quiet
    // buckets then costs one round trip rather than three. Their aborts and deletes still
    // share the run's concurrency bound and deadline.
    const phases = await Promise.allSettled([
      this.#abortStaleUploads(run, this.#bucket, run.settings.cutoffMs),
      ...(this.#mainBucket === undefined
        ? []
        : [
            this.#abortStaleUploads(
              run,
              this.#mainBucket,
              run.settings.nowMs - this.#abandonedCopyMs,
            ),
          ]),
      this.#deleteExpiredObjects(run),
    ]);
    // Only the object listing fails a sweep (the upload listings are best effort), and only
    // once every phase has settled, so nothing is still running when the sweep reports.
    for (const phase of phases) if (phase.status === 'rejected') throw phase.reason;
    return {
      scanned: run.scanned,
      expired: run.expired,
      deleted: run.deleted,
      replaced: run.replaced,
      failed: run.failed,
      staleUploads: run.staleUploads,
      abortedUploads: run.abortedUploads,
      uploadListingFailures: run.uploadListingFailures,
      bytesFreed: run.bytesFreed,
      durationMs: Math.round(performance.now() - started),
      complete: run.complete,
      dryRun: run.settings.dryRun,
    };
  }

  #context(options: SweepOptions): RunSettings {
    const nowMs = this.#clock().getTime();
    const prefix = options.prefix === undefined ? undefined : sweepPrefix(options.prefix);
    return {
      dryRun: options.dryRun ?? false,
      ...(prefix !== undefined && { prefix }),
      concurrency: positiveInteger('concurrency', options.concurrency ?? 4, 64),
      ...(options.remainingTimeMs && { remainingTimeMs: options.remainingTimeMs }),
      safetyMarginMs: Math.max(0, options.safetyMarginMs ?? 10_000),
      nowMs,
      cutoffMs: nowMs - this.#lifetimeMs,
    };
  }

  /**
   * Best-effort: a listing that still fails after its retries (or for good, such as
   * AccessDenied) is logged and counted, and the object sweep runs anyway. Uploads left
   * behind are met again by the next sweep, and by the draft bucket's lifecycle rule.
   */
  async #abortStaleUploads(run: SweepRun, bucket: string, cutoffMs: number): Promise<void> {
    const { prefix, dryRun } = run.settings;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    try {
      do {
        if (run.outOfTime()) return;
        const page = await this.#retrying(run, () =>
          this.#store.listMultipartUploads({
            bucket,
            maxUploads: this.#batchSize,
            ...(prefix !== undefined && { prefix }),
            ...(keyMarker !== undefined && { keyMarker }),
            ...(uploadIdMarker !== undefined && { uploadIdMarker }),
          }),
        );
        if (page === STOPPED) return;
        const stale = page.uploads.filter((upload) => upload.initiated.getTime() < cutoffMs);
        run.staleUploads += stale.length;
        if (!dryRun) {
          for (const upload of stale) {
            await run.start(() => this.#abortUpload(run, bucket, upload));
            if (!run.complete) break;
          }
        }
        keyMarker = page.nextKeyMarker;
        uploadIdMarker = page.nextUploadIdMarker;
      } while (keyMarker !== undefined && run.complete);
    } catch (error) {
      run.uploadListingFailures += 1;
      this.#log.warn('Could not list multipart uploads; sweeping objects without them', {
        bucket: bucket === this.#bucket ? 'draft' : 'main',
        ...(prefix !== undefined && { prefix }),
        error,
      });
    } finally {
      await run.drain();
    }
  }

  /** Aborts one upload, retrying what is retryable; never rejects. */
  async #abortUpload(run: SweepRun, bucket: string, upload: MultipartUploadInfo): Promise<void> {
    try {
      const done = await this.#retrying(run, () =>
        this.#store.abortMultipartUpload(bucket, upload.key, upload.uploadId),
      );
      // Out of time: the upload stays for the next sweep and is not counted as failed.
      if (done !== STOPPED) run.abortedUploads += 1;
    } catch (error) {
      run.failed += 1;
      this.#log.warn('Could not abort a stale multipart upload', {
        key: upload.key,
        uploadId: upload.uploadId,
        error,
      });
    }
  }

  async #deleteExpiredObjects(run: SweepRun): Promise<void> {
    const { prefix, cutoffMs, dryRun } = run.settings;
    let batch: ListedObject[] = [];
    let token: string | undefined;
    try {
      do {
        if (run.outOfTime()) return;
        const page = await this.#retrying(run, () =>
          this.#store.listPage({
            bucket: this.#bucket,
            maxKeys: this.#batchSize,
            ...(prefix !== undefined && { prefix }),
            ...(token !== undefined && { continuationToken: token }),
          }),
        );
        if (page === STOPPED) return;
        for (const object of page.objects) {
          run.scanned += 1;
          // Strictly older: a draft exactly at its lifetime survives this sweep.
          if (object.lastModified.getTime() >= cutoffMs) continue;
          run.expired += 1;
          if (dryRun) continue;
          batch.push(object);
        }
        // Each page's expired drafts go out at once, never waiting for the next page: on
        // stores that ignore DeleteObjects' per-key ETag (Ceph RGW, s3rver) a draft
        // re-uploaded between listing and delete is lost, so that gap is kept short.
        if (batch.length > 0) {
          const listed = batch;
          batch = [];
          await run.start(() => this.#deleteBatch(run, listed));
        }
        token = page.nextContinuationToken;
      } while (token !== undefined && run.complete);
    } finally {
      // A failed listing still lets the requests in flight finish and count.
      await run.drain();
    }
  }

  /** Deletes one batch, retrying what is retryable; never rejects. */
  async #deleteBatch(run: SweepRun, batch: readonly ListedObject[]): Promise<void> {
    const listed = new Map(batch.map((object) => [object.key, object]));
    let pending = [...listed.keys()];
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      let result: DeleteManyResult;
      try {
        // With the listed ETag, AWS keeps a draft re-uploaded since the listing.
        result = await this.#store.deleteMany(
          this.#bucket,
          pending.map((key) => {
            const etag = listed.get(key)?.etag;
            return { key, ...(etag !== undefined && { etag }) };
          }),
        );
      } catch (error) {
        if (retryableRequest(error) && attempt < this.#maxAttempts) {
          const delay = this.#backoff(attempt);
          // Out of time: the keys stay for the next sweep and are not counted as failed.
          if (run.outOfTime(delay)) return;
          await this.#sleep(delay);
          continue;
        }
        run.failed += pending.length;
        this.#log.warn('Could not delete a batch of expired drafts', {
          keys: pending.length,
          sampleKeys: pending.slice(0, SAMPLE_KEYS),
          attempts: attempt,
          error,
        });
        return;
      }
      for (const key of result.deleted) {
        run.deleted += 1;
        run.bytesFreed += listed.get(key)?.size ?? 0;
      }
      const retry: string[] = [];
      const reported: DeleteError[] = [];
      for (const failure of result.errors) {
        if (!listed.has(failure.key)) continue;
        // Re-uploaded since the listing: the new draft is not expired, and stays.
        if (failure.code === 'PreconditionFailed') {
          run.replaced += 1;
          continue;
        }
        if (RETRYABLE_DELETE_CODES.has(failure.code)) retry.push(failure.key);
        else reported.push(failure);
      }
      if (retry.length > 0 && attempt >= this.#maxAttempts) {
        const message = `still failing after ${attempt} attempts`;
        reported.push(...retry.map((key) => ({ key, code: 'RetriesExhausted', message })));
        retry.length = 0;
      }
      if (reported.length > 0) {
        run.failed += reported.length;
        const byCode: Record<string, number> = {};
        for (const failure of reported) byCode[failure.code] = (byCode[failure.code] ?? 0) + 1;
        this.#log.warn('Could not delete some expired drafts', {
          keys: reported.length,
          byCode,
          sample: reported.slice(0, SAMPLE_KEYS),
        });
      }
      if (retry.length === 0) return;
      const delay = this.#backoff(attempt);
      if (run.outOfTime(delay)) return;
      await this.#sleep(delay);
      pending = retry;
    }
  }

  /**
   * Sends a request, and again after a backoff while it fails with storage_unavailable,
   * up to maxAttempts in all; rethrows the last failure. STOPPED, and the sweep
   * incomplete, when the time left cannot cover the next wait.
   */
  async #retrying<T>(run: SweepRun, request: () => Promise<T>): Promise<T | typeof STOPPED> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await request();
      } catch (error) {
        if (!retryableRequest(error) || attempt >= this.#maxAttempts) throw error;
        const delay = this.#backoff(attempt);
        if (run.outOfTime(delay)) return STOPPED;
        await this.#sleep(delay);
      }
    }
  }

  /**
   * The wait after failed attempt `attempt`: a step of backoffBaseMs doubling per attempt,
   * capped at backoffMaxMs, of which a random half is added to the other half ("equal
   * jitter"): never less than half the step, and concurrent retries spread out.
   */
  #backoff(attempt: number): number {
    const step = Math.min(this.#backoffMaxMs, this.#backoffBaseMs * 2 ** (attempt - 1));
    const share = Math.min(1, Math.max(0, this.#random()));
    return Math.round(step / 2 + (step / 2) * share);
  }
}

interface RunSettings {
  readonly dryRun: boolean;
  readonly prefix?: string;
  readonly concurrency: number;
  readonly remainingTimeMs?: () => number;
  readonly safetyMarginMs: number;
  readonly nowMs: number;
  readonly cutoffMs: number;
}

/** One sweep's counters, deadline and bounded set of requests in flight. */
class SweepRun {
  scanned = 0;
  expired = 0;
  deleted = 0;
  replaced = 0;
  failed = 0;
  staleUploads = 0;
  abortedUploads = 0;
  uploadListingFailures = 0;
  bytesFreed = 0;
  complete = true;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(readonly settings: RunSettings) {}

  /** True, and the sweep incomplete, when less than `needMs` is left above the safety margin. */
  outOfTime(needMs = 0): boolean {
    const remaining = this.settings.remainingTimeMs;
    if (!this.complete) return true;
    if (remaining === undefined || remaining() - this.settings.safetyMarginMs > needMs)
      return false;
    this.complete = false;
    return true;
  }

  /** Starts `task` once a slot is free and there is time; `task` must not reject. */
  async start(task: () => Promise<void>): Promise<void> {
    while (this.#inFlight.size >= this.settings.concurrency) await Promise.race(this.#inFlight);
    if (this.outOfTime()) return;
    const running: Promise<void> = task().finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
  }

  async drain(): Promise<void> {
    await Promise.all(this.#inFlight);
  }
}
