import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkGoals, type GoalCheck, type SoakSample } from './goals.js';
import { sha256, type LedgerViolation, type StoreContents } from './ledger.js';
import { plotSamples } from './plot.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { Workload, type WorkloadError } from './workload.js';

/** An S3-compatible store (Ceph RGW) the soaked server uses instead of its embedded one. */
export interface SoakStore {
  /** host:port */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
}

export interface SoakOptions {
  /** A label for the report and the plot: `embedded` or `rgw`. */
  readonly label: string;
  /** The external store; the embedded one (as `npm start` runs it) when absent. */
  readonly store?: SoakStore;
  readonly durationSeconds: number;
  /** @default 32 */
  readonly concurrency?: number;
  /** @default 10 */
  readonly sampleSeconds?: number;
  /** @default a random one, printed */
  readonly seed?: number;
  /**
   * The server's OBJECT_LIFETIME: drafts older than this are swept, so that short runs sweep
   * too. @default a quarter of the run, between 20 and 60 s
   */
  readonly lifetimeSeconds?: number;
  /** The server's CLEANUP_INTERVAL: how often it sweeps. @default 10 */
  readonly cleanupIntervalSeconds?: number;
  /** Where to write `soak-<label>.json` and `.svg`. @default none */
  readonly outputDirectory?: string;
  /** @default console.log */
  readonly log?: (line: string) => void;
}

export interface SoakReport {
  readonly label: string;
  readonly seed: number;
  readonly durationSeconds: number;
  readonly concurrency: number;
  readonly samples: SoakSample[];
  readonly totals: Record<string, number>;
  readonly ledger: Record<string, number>;
  readonly errors: WorkloadError[];
  readonly violations: LedgerViolation[];
  readonly goals: GoalCheck[];
  readonly ok: boolean;
}

const MIB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `task` for every item, at most `limit` at once. */
const eachLimited = async <T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
) => {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, lane));
};

const post = async (apiUrl: string, path: string, body: unknown): Promise<any> => {
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  return { status: response.status, json };
};

/** Everything under `soak/` in one stage, through the API's own paged listing. */
const listStage = async (apiUrl: string, stage: 'draft' | 'main'): Promise<Map<string, number>> => {
  const sizes = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await post(apiUrl, '/api/v1/list-objects', {
      stage,
      prefix: 'soak/',
      limit: 1000,
      ...(cursor !== undefined && { cursor }),
    });
    if (page.status !== 200) throw new Error(`list-objects ${stage}: ${JSON.stringify(page.json)}`);
    for (const object of page.json.objects) sizes.set(object.object_name, object.size);
    cursor = page.json.next_cursor;
  } while (cursor !== undefined);
  return sizes;
};

/** sha256 of the stored bytes, or undefined when the object is not there (anymore). */
const readStored = async (apiUrl: string, key: string, stage: 'draft' | 'main') => {
  const signed = await post(apiUrl, '/api/v1/download-url', { object_name: key, stage });
  // Listed, then swept by the server's own sweep before it could be read: gone, not an error.
  if (signed.status === 404) return undefined;
  if (signed.status !== 200) throw new Error(`download-url ${key}: ${JSON.stringify(signed.json)}`);
  const response = await fetch(signed.json.download_url);
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`GET ${key} (${stage}): ${response.status}`);
  return sha256(new Uint8Array(await response.arrayBuffer()));
};

const serverEnvironment = async (options: SoakOptions, lifetime: number, interval: number) => {
  // The embedded store's files, or on RGW only the upload-token key (never the repo's .data).
  const dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-soak-'));
  const common = {
    BUCKET_NAME: `soak-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
    OBJECT_LIFETIME: String(lifetime),
    CLEANUP_INTERVAL: String(interval),
    DRAFTSTORE_DATA_DIR: dataDirectory,
  };
  const cleanup = () => rm(dataDirectory, { recursive: true, force: true });
  if (options.store === undefined) {
    return { env: { ...common, MINIO_ENDPOINT: '127.0.0.1:0' }, cleanup };
  }
  return {
    env: {
      ...common,
      STORAGE_TYPE: 'minio',
      MINIO_ENDPOINT: options.store.endpoint,
      MINIO_ACCESS_KEY: options.store.accessKey,
      MINIO_SECRET_KEY: options.store.secretKey,
      MINIO_REGION: options.store.region,
      // RGW 16.2 decodes UploadPartCopy's copy source twice (README, Store quirks).
      S3_PART_COPY_SOURCE_DECODED_TWICE: 'true',
    },
    cleanup,
  };
};

/**
 * Runs the mixed workload against `npm start` (as a child process, with a probe loaded into
 * it) for the given time, samples the server every `sampleSeconds`, then checks every ledger
 * entry against the store and the samples against the goals.
 */
export const runSoak = async (options: SoakOptions): Promise<SoakReport> => {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? randomInt(1, 2 ** 31);
  const concurrency = options.concurrency ?? 32;
  const sampleSeconds = options.sampleSeconds ?? 10;
  const lifetime =
    options.lifetimeSeconds ?? Math.min(60, Math.max(20, Math.round(options.durationSeconds / 4)));
  const { env, cleanup } = await serverEnvironment(
    options,
    lifetime,
    options.cleanupIntervalSeconds ?? 10,
  );
  log(
    `[soak ${options.label}] seed ${seed}, ${options.durationSeconds} s, concurrency ${concurrency}, ` +
      `samples every ${sampleSeconds} s (rerun with SOAK_SEED=${seed})`,
  );
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(env);
    const workload = new Workload({
      apiUrl: server.apiUrl,
      concurrency,
      seed,
      lifetimeMs: lifetime * 1000,
    });
    const samples: SoakSample[] = [];
    const started = Date.now();
    workload.start();
    let previous = started;
    for (let due = started + sampleSeconds * 1000; ; due += sampleSeconds * 1000) {
      await sleep(Math.max(0, due - Date.now()));
      const reading = await server.read();
      const now = Date.now();
      const counters = workload.takeInterval();
      const seconds = (now - previous) / 1000;
      previous = now;
      const sample: SoakSample = {
        t: Math.round((now - started) / 100) / 10,
        rssMiB: Math.round((reading.rssBytes / MIB) * 10) / 10,
        heapUsedMiB: Math.round((reading.heapUsedBytes / MIB) * 10) / 10,
        heapTotalMiB: Math.round((reading.heapTotalBytes / MIB) * 10) / 10,
        externalMiB: Math.round((reading.externalBytes / MIB) * 10) / 10,
        openFds: reading.openFds,
        loopDelayP99Ms: Math.round(reading.loopDelayP99Ms * 10) / 10,
        loopDelayMaxMs: Math.round(reading.loopDelayMaxMs * 10) / 10,
        operationsPerSecond: Math.round((counters.operations / seconds) * 10) / 10,
        requestsPerSecond: Math.round((counters.requests / seconds) * 10) / 10,
        errors: counters.errors,
        documented4xx: counters.documented4xx,
      };
      samples.push(sample);
      log(
        `[soak ${options.label}] t=${sample.t}s rss=${sample.rssMiB}MiB heap=${sample.heapUsedMiB}/${sample.heapTotalMiB}MiB ext=${sample.externalMiB}MiB ` +
          `fds=${sample.openFds} eld.p99=${sample.loopDelayP99Ms}ms ops/s=${sample.operationsPerSecond} ` +
          `req/s=${sample.requestsPerSecond} errors=${sample.errors}`,
      );
      if (now - started >= options.durationSeconds * 1000 - 500) break;
    }
    await workload.stop();
    if (!server.alive()) throw new Error(`the server died during the soak:\n${server.stderr()}`);

    const apiUrl = server.apiUrl;
    const draft = await listStage(apiUrl, 'draft');
    const main = await listStage(apiUrl, 'main');
    const listedAt = Date.now();
    const store: StoreContents = {
      draft,
      main,
      readMain: (key) => readStored(apiUrl, key, 'main'),
      readDraft: (key) => readStored(apiUrl, key, 'draft'),
    };
    // Reads of confirmed objects go 16 at a time; the ledger walks them in order.
    const reads = new Map<string, Promise<string | undefined>>();
    const confirmed = [...workload.ledger.entries()].filter((entry) => entry.state === 'confirmed');
    await eachLimited(confirmed, 16, async (entry) => {
      reads.set(entry.key, store.readMain(entry.key));
      await reads.get(entry.key);
    });
    const verified = await workload.ledger.verify(
      { ...store, readMain: (key) => reads.get(key) ?? store.readMain(key) },
      // A store's LastModified has whole seconds, so a sweep may take a draft up to 1 s early.
      { now: listedAt, lifetimeMs: lifetime * 1000 - 2000 },
    );
    const goals = checkGoals(samples, options.durationSeconds, {
      errors: workload.total.errors,
      violations: verified.violations.length,
    });
    const report: SoakReport = {
      label: options.label,
      seed,
      durationSeconds: options.durationSeconds,
      concurrency,
      samples,
      totals: { ...workload.total },
      ledger: {
        ...workload.ledger.counts(),
        entries: workload.ledger.size,
        pendingInDraft: verified.pending,
        swept: verified.swept,
        inMain: main.size,
      },
      errors: workload.errors.slice(0, 50),
      violations: verified.violations.slice(0, 50),
      goals,
      ok: goals.every((goal) => goal.ok),
    };
    for (const goal of goals)
      log(`[soak ${options.label}] ${goal.ok ? 'ok  ' : 'FAIL'} ${goal.name}: ${goal.detail}`);
    log(
      `[soak ${options.label}] totals ${JSON.stringify(report.totals)} ledger ${JSON.stringify(report.ledger)}`,
    );
    for (const error of report.errors.slice(0, 10))
      log(`[soak ${options.label}] error ${JSON.stringify(error)}`);
    for (const violation of report.violations.slice(0, 10)) {
      log(`[soak ${options.label}] LOST ${JSON.stringify(violation)}`);
    }
    if (options.outputDirectory !== undefined) {
      await mkdir(options.outputDirectory, { recursive: true });
      const base = join(options.outputDirectory, `soak-${options.label}`);
      await writeFile(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
      await writeFile(
        `${base}.svg`,
        plotSamples(
          `DraftStore soak, ${options.label} store: ${options.durationSeconds} s, ${concurrency} clients, seed ${seed}`,
          samples,
        ),
      );
      log(`[soak ${options.label}] wrote ${base}.json and ${base}.svg`);
    }
    return report;
  } finally {
    await server?.stop();
    await cleanup();
  }
};
