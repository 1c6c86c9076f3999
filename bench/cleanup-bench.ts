import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedS3 } from '../local/embedded-s3.js';
import type { WorkerRequest, WorkerResult } from './sweep-worker.js';

export interface CleanupBenchOptions {
  /** Drafts in the large runs (requests per deleted draft, and memory). @default 20000 */
  readonly large?: number;
  /** Drafts in the small run, the memory baseline. @default 2000 */
  readonly small?: number;
  /** Drafts in every run of the speed pairs. @default 5000 */
  readonly speedDrafts?: number;
  /** Sweep/naive pairs for the speed ratio, their order alternating. @default 3 */
  readonly speedPairs?: number;
  /** Parallel PUTs while seeding. @default 16 */
  readonly seedConcurrency?: number;
  /** Delete requests in flight, for both sweeps. @default 4 */
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
}

/** One sweep and one naive run, each on freshly seeded drafts. */
export interface SpeedPair {
  readonly first: 'sweep' | 'naive';
  readonly sweep: WorkerResult;
  readonly naive: WorkerResult;
  /** Sweep objects/second over naive objects/second. */
  readonly ratio: number;
}

/** What a sweep added to its process: the peak sampled during it over the level just before. */
export interface MemoryGrowth {
  readonly rssBytes: number;
  /** Heap used, garbage since the last GC included. */
  readonly heapBytes: number;
  /** Heap used right after the forced GCs: what the sweep really holds. */
  readonly liveHeapBytes: number;
}

export interface CleanupBenchReport {
  readonly large: number;
  readonly small: number;
  readonly speedDrafts: number;
  readonly concurrency: number;
  readonly sweep: WorkerResult;
  readonly naive: WorkerResult;
  readonly sweepSmall: WorkerResult;
  readonly pairs: readonly SpeedPair[];
  /** S3 requests per deleted draft, at `large` drafts. */
  readonly requestsPerDeleted: { readonly sweep: number; readonly naive: number };
  /** The pairs' speed ratios: their median and range. */
  readonly speedRatio: { readonly median: number; readonly min: number; readonly max: number };
  /** Peak RSS during the sweep at `large` drafts over that at `small` drafts. */
  readonly memoryRatio: number;
  /** The same over each worker's whole life (module loading included). */
  readonly lifetimeMemoryRatio: number;
  readonly growth: { readonly large: MemoryGrowth; readonly small: MemoryGrowth };
  /** Whether the growth at `large` drafts is within GROWTH_TARGET of that at `small`. */
  readonly growthWithinTarget: {
    readonly rss: boolean;
    readonly heap: boolean;
    readonly liveHeap: boolean;
  };
}

const MIB = 1024 ** 2;

/** The memory runs force a full GC this often (see WorkerRequest.gcEveryMs). */
export const MEMORY_RUN_GC_EVERY_MS = 100;

/**
 * The memory a sweep holds must not depend on how many drafts there are: it keeps one
 * listed page and at most `concurrency` batches of 1000 keys, whatever the total. So the
 * growth at 20,000 drafts must stay within 1.2x the growth at 2,000, plus a slack:
 * - heap used, 2 MiB: GC timing between the forced GCs. Holding on to ~120 bytes per
 *   draft (18,000 drafts more) would exceed it; a list of every key, several times over.
 * - RSS, 8 MiB: besides the heap it counts buffers and pages the allocator and V8 keep
 *   once touched; a 2,000-draft sweep is over (< 1 s) before that settles. Holding ~470
 *   bytes per draft outside the heap would exceed it.
 */
export const GROWTH_TARGET = {
  factor: 1.2,
  heapSlackBytes: 2 * MIB,
  rssSlackBytes: 8 * MIB,
} as const;

const withinGrowthTarget = (large: number, small: number, slackBytes: number) =>
  large <= GROWTH_TARGET.factor * Math.max(0, small) + slackBytes;

const growthOf = (result: WorkerResult): MemoryGrowth => ({
  rssBytes: result.rssPeakDuringBytes - result.rssBeforeBytes,
  heapBytes: result.heapPeakDuringBytes - result.heapBeforeBytes,
  liveHeapBytes: (result.heapLivePeakDuringBytes ?? Number.NaN) - result.heapBeforeBytes,
});

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

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

const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Seeds expired 1 KiB drafts into the embedded store and sweeps them, each sweep in
 * its own process on freshly seeded drafts: the batched Cleaner and a naive
 * one-DeleteObject-per-key sweep at `large` drafts (requests), the Cleaner again at
 * `small` drafts (memory), then `speedPairs` sweep/naive pairs at `speedDrafts` drafts,
 * sweep first in odd pairs and naive first in even ones (speed). The store runs in this
 * process; seeding runs in a worker of its own.
 */
export const runCleanupBench = async (
  options: CleanupBenchOptions = {},
): Promise<CleanupBenchReport> => {
  const large = options.large ?? 20_000;
  const small = options.small ?? 2_000;
  const speedDrafts = options.speedDrafts ?? 5_000;
  const speedPairs = options.speedPairs ?? 3;
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
  const run = async (
    mode: 'sweep' | 'naive',
    count: number,
    gcEveryMs?: number,
  ): Promise<WorkerResult> => {
    // About 100 drafts an owner: the embedded store keeps one directory per owner.
    const owners = Math.max(1, Math.ceil(count / 100));
    const seeded = await measure({
      mode: 'seed',
      count,
      owners,
      concurrency: seedConcurrency,
      ...worker,
    });
    log(`  seeded ${count} drafts (${seconds(seeded.elapsedMs)}), running ${mode}`);
    const result = await measure({
      mode,
      concurrency,
      ...worker,
      ...(gcEveryMs !== undefined && { gcEveryMs }),
    });
    if (result.deleted !== count) {
      throw new Error(`the ${mode} sweep deleted ${result.deleted} of ${count} drafts`);
    }
    log(`    ${mode}: ${seconds(result.elapsedMs)}, ${JSON.stringify(result.commands)}`);
    return result;
  };
  const speed = (result: WorkerResult) => result.deleted / result.elapsedMs;
  try {
    const sweep = await run('sweep', large, MEMORY_RUN_GC_EVERY_MS);
    const naive = await run('naive', large);
    const sweepSmall = await run('sweep', small, MEMORY_RUN_GC_EVERY_MS);
    const pairs: SpeedPair[] = [];
    for (let index = 0; index < speedPairs; index += 1) {
      const first = index % 2 === 0 ? 'sweep' : 'naive';
      log(`  speed pair ${index + 1} of ${speedPairs}, ${first} first`);
      const results = {
        sweep: undefined as WorkerResult | undefined,
        naive: undefined as WorkerResult | undefined,
      };
      for (const mode of first === 'sweep'
        ? (['sweep', 'naive'] as const)
        : (['naive', 'sweep'] as const)) {
        results[mode] = await run(mode, speedDrafts);
      }
      pairs.push({
        first,
        sweep: results.sweep!,
        naive: results.naive!,
        ratio: speed(results.sweep!) / speed(results.naive!),
      });
    }
    const ratios = pairs.map((pair) => pair.ratio);
    const growth = { large: growthOf(sweep), small: growthOf(sweepSmall) };
    return {
      large,
      small,
      speedDrafts,
      concurrency,
      sweep,
      naive,
      sweepSmall,
      pairs,
      requestsPerDeleted: {
        sweep: sweep.requests / sweep.deleted,
        naive: naive.requests / naive.deleted,
      },
      speedRatio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
      memoryRatio: sweep.rssPeakDuringBytes / sweepSmall.rssPeakDuringBytes,
      lifetimeMemoryRatio: sweep.peakRssBytes / sweepSmall.peakRssBytes,
      growth,
      growthWithinTarget: {
        rss: withinGrowthTarget(
          growth.large.rssBytes,
          growth.small.rssBytes,
          GROWTH_TARGET.rssSlackBytes,
        ),
        heap: withinGrowthTarget(
          growth.large.heapBytes,
          growth.small.heapBytes,
          GROWTH_TARGET.heapSlackBytes,
        ),
        liveHeap: withinGrowthTarget(
          growth.large.liveHeapBytes,
          growth.small.liveHeapBytes,
          GROWTH_TARGET.heapSlackBytes,
        ),
      },
    };
  } finally {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
};

/** The report as text: ratios are the result; absolute figures are context for this machine. */
export const formatCleanupBench = (report: CleanupBenchReport): string => {
  const { sweep, naive, sweepSmall, growth, growthWithinTarget: within } = report;
  const perSecond = (result: WorkerResult) => (result.deleted / result.elapsedMs) * 1000;
  const fixed = (value: number, digits: number) => value.toFixed(digits);
  const { factor, heapSlackBytes, rssSlackBytes } = GROWTH_TARGET;
  const line = (label: string, key: keyof MemoryGrowth, slack: number, ok: boolean) => {
    const limit = factor * Math.max(0, growth.small[key]) + slack;
    return `    ${label} +${mib(growth.large[key])} at ${report.large} vs +${mib(growth.small[key])} at ${report.small}; target <= ${factor} x ${mib(Math.max(0, growth.small[key]))} + ${mib(slack)} = ${mib(limit)}: ${ok ? 'met' : 'MISSED'}`;
  };
  return [
    'Cleanup: batched sweep vs naive one-key-per-request sweep, expired 1 KiB drafts, embedded store,',
    `${report.concurrency} delete requests in flight for both; every run in a fresh process on freshly seeded drafts`,
    `  request ratio (${report.large} drafts): sweep ${fixed(report.requestsPerDeleted.sweep, 5)} S3 requests per deleted draft (target <= 0.0021), naive ${fixed(report.requestsPerDeleted.naive, 4)}`,
    `  speed ratio: ${report.pairs.length} sweep/naive pairs of ${report.speedDrafts} drafts (fewer than ${report.large}, to keep the run short), order alternating:`,
    `    sweep deletes median ${fixed(report.speedRatio.median, 2)}x the objects/s of naive, range ${fixed(report.speedRatio.min, 2)}x-${fixed(report.speedRatio.max, 2)}x`,
    `    pairs: ${report.pairs.map((pair) => `${fixed(pair.ratio, 2)}x (${pair.first} first)`).join(', ')}`,
    `  memory growth: peak during the sweep over the process just before it (after a full GC);`,
    `  flat is the target, as a sweep holds one page and ${report.concurrency} batches whatever the total:`,
    line('RSS:      ', 'rssBytes', rssSlackBytes, within.rss),
    line('heap used:', 'heapBytes', heapSlackBytes, within.heap),
    line('live heap:', 'liveHeapBytes', heapSlackBytes, within.liveHeap),
    `    (memory runs force a full GC every ${MEMORY_RUN_GC_EVERY_MS} ms, sample every 5 ms; live heap = right after a forced GC.`,
    `    Without forced GCs V8 lets garbage pile up longer in a longer run, so heap used would measure GC pacing.)`,
    `  whole-process ratios, kept for comparison; the ~${mib(sweepSmall.rssBeforeBytes)} held before any sweep dominates them:`,
    `    peak RSS during the sweep, ${report.large} / ${report.small} drafts: ${fixed(report.memoryRatio, 3)} (whole-process peak ${fixed(report.lifetimeMemoryRatio, 3)})`,
    `    live heap after the sweep and a full GC, ${report.large} / ${report.small} drafts: ${fixed(sweep.heapAfterGcBytes / sweepSmall.heapAfterGcBytes, 3)}`,
    `  workers run with ${WORKER_NODE_FLAGS.join(' ')} (see WORKER_NODE_FLAGS)`,
    '  context (this machine, this run):',
    `    sweep ${report.large}: ${sweep.requests} requests, ${seconds(sweep.elapsedMs)} (forced GCs), RSS ${mib(sweep.rssBeforeBytes)} -> peak ${mib(sweep.rssPeakDuringBytes)}, heap ${mib(sweep.heapBeforeBytes)} -> peak ${mib(sweep.heapPeakDuringBytes)}`,
    `    naive ${report.large}: ${naive.requests} requests, ${fixed(perSecond(naive), 0)} objects/s, RSS ${mib(naive.rssBeforeBytes)} -> peak ${mib(naive.rssPeakDuringBytes)}`,
    `    sweep ${report.small}: ${sweepSmall.requests} requests, ${seconds(sweepSmall.elapsedMs)} (forced GCs), RSS ${mib(sweepSmall.rssBeforeBytes)} -> peak ${mib(sweepSmall.rssPeakDuringBytes)}, heap ${mib(sweepSmall.heapBeforeBytes)} -> peak ${mib(sweepSmall.heapPeakDuringBytes)}`,
    ...report.pairs.map(
      (pair, index) =>
        `    pair ${index + 1}, ${report.speedDrafts} drafts: sweep ${fixed(perSecond(pair.sweep), 0)} objects/s, naive ${fixed(perSecond(pair.naive), 0)} objects/s`,
    ),
  ].join('\n');
};
