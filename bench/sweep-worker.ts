/**
 * One measured sweep, run in a fresh process so its memory is its own, while the
 * parent serves the store. The parent also uses it to seed drafts, so the seeding
 * client shares neither the store's event loop nor the measured process. Prints one
 * JSON line with the result.
 *
 *   node --import tsx bench/sweep-worker.ts '{"mode":"sweep",...}'
 */
import { DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../lambdas/config.js';
import { Cleaner } from '../lambdas/core/cleaner.js';
import { createS3Client } from '../lambdas/storage/s3-client.js';
import { S3ObjectStore } from '../lambdas/storage/s3-object-store.js';
import { draftKeys, forEachLimited, putObjects } from '../test/helpers/seed-objects.js';

export interface WorkerRequest {
  readonly mode: 'sweep' | 'naive' | 'seed';
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** Requests in flight at once: delete requests of either sweep, or PUTs when seeding. */
  readonly concurrency: number;
  /** Seeding only: how many 1 KiB drafts to PUT, spread over how many owners. */
  readonly count?: number;
  readonly owners?: number;
  /**
   * Forces a full GC this often during the sweep, so heap used follows what the sweep
   * holds rather than how much garbage V8 lets pile up before collecting. @default never
   */
  readonly gcEveryMs?: number;
}

export interface WorkerResult {
  readonly mode: WorkerRequest['mode'];
  readonly scanned: number;
  readonly deleted: number;
  /** HTTP requests sent to the store, retries included. */
  readonly requests: number;
  /** Requests by command, e.g. { ListObjectsV2Command: 20 }. */
  readonly commands: Readonly<Record<string, number>>;
  readonly elapsedMs: number;
  /** Peak resident set of this process over its whole life. */
  readonly peakRssBytes: number;
  /** Resident set after a full GC just before the sweep, and the most sampled during it. */
  readonly rssBeforeBytes: number;
  readonly rssPeakDuringBytes: number;
  /** V8 heap in use after that GC, and the most sampled during the sweep (garbage included). */
  readonly heapBeforeBytes: number;
  readonly heapPeakDuringBytes: number;
  /** With gcEveryMs: the most heap in use right after one of the forced GCs. */
  readonly heapLivePeakDuringBytes?: number;
  /** Heap still in use after a full GC once the sweep is done. */
  readonly heapAfterGcBytes: number;
}

/** Every HTTP attempt, counted below the SDK's retry middleware, and every command. */
const countRequests = (client: S3Client) => {
  let requests = 0;
  const commands: Record<string, number> = {};
  client.middlewareStack.add(
    (next) => (args) => {
      requests += 1;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'benchRequestCounter' },
  );
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = context.commandName ?? 'unknown';
      commands[name] = (commands[name] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCommandCounter' },
  );
  return { requests: () => requests, commands: () => ({ ...commands }) };
};

/**
 * The sweep as the original DraftStore did it: one DeleteObject per expired key. To
 * compare batching alone, it pages the listing and keeps as many requests in flight
 * as the batched sweep does.
 */
const naiveSweep = async (
  client: S3Client,
  bucket: string,
  cutoffMs: number,
  concurrency: number,
) => {
  let scanned = 0;
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    const expired = (page.Contents ?? []).filter(
      (entry) => (entry.LastModified?.getTime() ?? 0) < cutoffMs,
    );
    scanned += page.Contents?.length ?? 0;
    await forEachLimited(expired, concurrency, async (entry) => {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: entry.Key }));
      deleted += 1;
    });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return { scanned, deleted };
};

const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * Samples the resident set and the heap in use every few milliseconds until stopped;
 * with `gcEveryMs`, also the heap right after a full GC forced that often.
 */
const sampleMemory = (gcEveryMs?: number) => {
  const peak = { rss: 0, heap: 0, live: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rss = Math.max(peak.rss, usage.rss);
    peak.heap = Math.max(peak.heap, usage.heapUsed);
    return usage;
  };
  // The caller has just collected: the heap now is live.
  peak.live = sample().heapUsed;
  const timers = [setInterval(sample, 5)];
  if (gcEveryMs !== undefined) {
    timers.push(
      setInterval(() => {
        gc();
        peak.live = Math.max(peak.live, sample().heapUsed);
      }, gcEveryMs),
    );
  }
  return () => {
    for (const timer of timers) clearInterval(timer);
    sample();
    return peak;
  };
};

const main = async () => {
  const request = JSON.parse(process.argv[2] ?? '') as WorkerRequest;
  const config = loadConfig({
    STORAGE_TYPE: 'minio',
    MINIO_ENDPOINT: request.endpoint,
    MINIO_ACCESS_KEY: request.accessKey,
    MINIO_SECRET_KEY: request.secretKey,
    BUCKET_NAME: `${request.bucket}-main`,
    DRAFT_BUCKET_NAME: request.bucket,
    OBJECT_LIFETIME: '1',
  });
  const client = createS3Client(config);
  const counter = countRequests(client);
  // Every seeded draft is a day past its lifetime.
  const clock = () => new Date(Date.now() + 86_400_000);
  // Start every measured run from the same clean heap (the worker runs with --expose-gc).
  gc();
  const { rss: rssBeforeBytes, heapUsed: heapBeforeBytes } = process.memoryUsage();
  const stopSampling = sampleMemory(request.gcEveryMs);
  const started = performance.now();
  let outcome: { scanned: number; deleted: number };
  if (request.mode === 'seed') {
    const keys = draftKeys(request.count ?? 0, 'draft', request.owners);
    await putObjects(
      client,
      request.bucket,
      keys,
      new Uint8Array(1024).fill(0x61),
      request.concurrency,
    );
    outcome = { scanned: 0, deleted: 0 };
  } else if (request.mode === 'sweep') {
    const cleaner = new Cleaner({
      store: new S3ObjectStore(client),
      bucket: request.bucket,
      lifetimeSeconds: 1,
      clock,
    });
    outcome = await cleaner.sweep({ concurrency: request.concurrency });
  } else {
    outcome = await naiveSweep(
      client,
      request.bucket,
      clock().getTime() - 1000,
      request.concurrency,
    );
  }
  const elapsedMs = performance.now() - started;
  const peak = stopSampling();
  gc();
  const heapAfterGcBytes = process.memoryUsage().heapUsed;
  client.destroy();
  const result: WorkerResult = {
    mode: request.mode,
    scanned: outcome.scanned,
    deleted: outcome.deleted,
    requests: counter.requests(),
    commands: counter.commands(),
    elapsedMs,
    // resourceUsage reports the peak in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBeforeBytes,
    rssPeakDuringBytes: peak.rss,
    heapBeforeBytes,
    heapPeakDuringBytes: peak.heap,
    ...(request.gcEveryMs !== undefined && { heapLivePeakDuringBytes: peak.live }),
    heapAfterGcBytes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
