import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedS3 } from '../local/embedded-s3.js';
import type { WorkerRequest, WorkerResult } from './sweep-worker.js';

export interface CleanupBenchOptions {
  /** Drafts in the large run (speed, requests and memory). @default 20000 */
  readonly large?: number;
  /** Drafts in the small run, the memory baseline. @default 2000 */
  readonly small?: number;
  /** Parallel PUTs while seeding. @default 16 */
  readonly seedConcurrency?: number;
  /** Delete requests in flight, for both sweeps. @default 4 */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

export interface CleanupBenchReport {
  readonly large: number;
  readonly small: number;
  readonly concurrency: number;
  readonly sweep: WorkerResult;
  readonly naive: WorkerResult;
  readonly sweepSmall: WorkerResult;
  /** S3 requests per deleted draft. */
  readonly requestsPerDeleted: { readonly sweep: number; readonly naive: number };
  /** Sweep objects/second over naive objects/second. */
  readonly speedRatio: number;
  /** Peak RSS during the sweep at `large` drafts over that at `small` drafts. */
  readonly memoryRatio: number;
  /** The same over each worker's whole life (module loading included). */
  readonly lifetimeMemoryRatio: number;
}

const BUCKET = 'bench-draft';
const KEYS = { accessKey: 'bench', secretKey: 'bench-secret' };
const WORKER = fileURLToPath(new URL('./sweep-worker.ts', import.meta.url));

/**
 * V8 flags of every worker, identical for every run. Left to itself V8 grows its heap
 * lazily, so a short run's peak RSS mostly says how much garbage it had time to make;
 * with these it collects early and RSS follows the memory the sweep really holds.
 * `--expose-gc` lets a worker start from a clean heap.
 */
export const WORKER_NODE_FLAGS = ['--expose-gc', '--optimize-for-size', '--max-semi-space-size=1'];

/** Runs the worker in a fresh Node process (with tsx) and returns its result. */
const measure = (request: WorkerRequest): Promise<WorkerResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...WORKER_NODE_FLAGS, '--import', 'tsx', WORKER, JSON.stringify(request)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) {
        reject(new Error(`the ${request.mode} worker exited with ${code}`));
        return;
      }
      resolve(JSON.parse(line) as WorkerResult);
    });
  });

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Seeds expired 1 KiB drafts into the embedded store and sweeps them, each sweep in
 * its own process: the batched Cleaner and a naive one-DeleteObject-per-key sweep at
 * `large` drafts, and the Cleaner again at `small` drafts to compare peak memory.
 * The store runs in this process; seeding runs in a worker of its own.
 */
export const runCleanupBench = async (
  options: CleanupBenchOptions = {},
): Promise<CleanupBenchReport> => {
  const large = options.large ?? 20_000;
  const small = options.small ?? 2_000;
  const seedConcurrency = options.seedConcurrency ?? 16;
  const concurrency = options.concurrency ?? 4;
  const log = options.log ?? ((line: string) => console.log(line));
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-bench-'));
  const store = await startEmbeddedS3({
    host: '127.0.0.1',
    port: 0,
    directory,
    buckets: [BUCKET],
    ...KEYS,
  });
  const worker = { endpoint: store.endpoint, bucket: BUCKET, ...KEYS };
  const run = async (mode: 'sweep' | 'naive', count: number): Promise<WorkerResult> => {
    // About 100 drafts an owner: the embedded store keeps one directory per owner.
    const owners = Math.max(1, Math.ceil(count / 100));
    const seeded = await measure({
      mode: 'seed',
      count,
      owners,
      concurrency: seedConcurrency,
      ...worker,
    });
    log(`  seeded ${count} drafts (${seconds(seeded.elapsedMs)}), running the ${mode} sweep`);
    const result = await measure({ mode, concurrency, ...worker });
    if (result.deleted !== count) {
      throw new Error(`the ${mode} sweep deleted ${result.deleted} of ${count} drafts`);
    }
    log(`    ${mode}: ${seconds(result.elapsedMs)}, ${JSON.stringify(result.commands)}`);
    return result;
  };
  try {
    const sweep = await run('sweep', large);
    const naive = await run('naive', large);
    const sweepSmall = await run('sweep', small);
    const speed = (result: WorkerResult) => result.deleted / result.elapsedMs;
    return {
      large,
      small,
      concurrency,
      sweep,
      naive,
      sweepSmall,
      requestsPerDeleted: {
        sweep: sweep.requests / sweep.deleted,
        naive: naive.requests / naive.deleted,
      },
      speedRatio: speed(sweep) / speed(naive),
      memoryRatio: sweep.rssPeakDuringBytes / sweepSmall.rssPeakDuringBytes,
      lifetimeMemoryRatio: sweep.peakRssBytes / sweepSmall.peakRssBytes,
    };
  } finally {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
};

/** The report as text: ratios are the result; absolute figures are context for this machine. */
export const formatCleanupBench = (report: CleanupBenchReport): string => {
  const { sweep, naive, sweepSmall } = report;
  const perSecond = (result: WorkerResult) => (result.deleted / result.elapsedMs) * 1000;
  const fixed = (value: number, digits: number) => value.toFixed(digits);
  return [
    `Cleanup: batched sweep vs naive one-key-per-request sweep, ${report.large} expired 1 KiB drafts,`,
    `embedded store, ${report.concurrency} delete requests in flight for both`,
    `  request ratio: sweep ${fixed(report.requestsPerDeleted.sweep, 5)} S3 requests per deleted draft (target <= 0.0021), naive ${fixed(report.requestsPerDeleted.naive, 4)}`,
    `  speed ratio: sweep deletes ${fixed(report.speedRatio, 2)}x the objects/s of naive`,
    `  memory ratio: sweep peak RSS at ${report.large} / ${report.small} drafts = ${fixed(report.memoryRatio, 3)} (target <= 1.2; whole-process peak ${fixed(report.lifetimeMemoryRatio, 3)})`,
    `  live heap after the sweep and a full GC, ${report.large} / ${report.small} drafts: ${fixed(sweep.heapAfterGcBytes / sweepSmall.heapAfterGcBytes, 3)}`,
    `  workers run with ${WORKER_NODE_FLAGS.join(' ')} (see WORKER_NODE_FLAGS)`,
    '  context (this machine, this run):',
    `    sweep ${report.large}: ${sweep.requests} requests, ${fixed(perSecond(sweep), 0)} objects/s, RSS ${mib(sweep.rssBeforeBytes)} -> peak ${mib(sweep.rssPeakDuringBytes)}`,
    `    naive ${report.large}: ${naive.requests} requests, ${fixed(perSecond(naive), 0)} objects/s, RSS ${mib(naive.rssBeforeBytes)} -> peak ${mib(naive.rssPeakDuringBytes)}`,
    `    sweep ${report.small}: ${sweepSmall.requests} requests, RSS ${mib(sweepSmall.rssBeforeBytes)} -> peak ${mib(sweepSmall.rssPeakDuringBytes)}`,
  ].join('\n');
};
