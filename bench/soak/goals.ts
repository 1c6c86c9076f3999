/** One 10-second reading of the server and the workload. */
export interface SoakSample {
  /** Seconds since the workload started. */
  readonly t: number;
  /** After a full garbage collection, like the heap figures. */
  readonly rssMiB: number;
  /** The live heap: what a full garbage collection left. */
  readonly heapUsedMiB: number;
  /** The V8 heap's reserved size, and memory outside it: where RSS growth comes from. */
  readonly heapTotalMiB: number;
  readonly externalMiB: number;
  readonly openFds: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** Operations (an upload, a confirm, a listing, …) finished per second in the interval. */
  readonly operationsPerSecond: number;
  /** HTTP requests (API and store) sent per second in the interval. */
  readonly requestsPerSecond: number;
  readonly errors: number;
  readonly documented4xx: number;
}

export interface GoalCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /**
   * Whether the check compares timings (throughput). Tests leave those to `npm run soak`:
   * on a shared CI machine another job's load moves them, not the server.
   */
  readonly timed?: boolean;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** The time the server is given to warm up (JIT, heap sizing, the store filling up to steady state). */
export const defaultWarmupSeconds = (durationSeconds: number): number =>
  Math.min(durationSeconds / 2, Math.max(durationSeconds / 6, 60));

/** Splits evenly spaced samples into `count` runs of consecutive samples. */
const split = (samples: readonly SoakSample[], count: number): SoakSample[][] =>
  Array.from({ length: count }, (_, index) =>
    samples.filter((_sample, at) => Math.floor((at * count) / samples.length) === index),
  );

/**
 * The goals for a 30-minute run, scaled to the run's length:
 * - RSS, the live heap (both read after a full GC) and fds are flat after warm-up (the first 5 minutes of 30; at least a minute, at most
 *   half a short run): the median of the last third of the rest is at most 10 % above the
 *   first third's. Only growth counts: fewer fds or less RSS later is no leak, and an fd count
 *   moves with the requests in flight. Medians of thirds, because one sample caught mid-GC or with a burst of sockets
 *   open says nothing about a trend, and a leak shows as the last third drifting away.
 * - throughput in the last sixth of the run (5 min of 30) is at least 0.9x the first sixth's;
 * - no errors; nothing lost.
 */
export const checkGoals = (
  samples: readonly SoakSample[],
  durationSeconds: number,
  outcome: { readonly errors: number; readonly violations: number },
  warmupSeconds = defaultWarmupSeconds(durationSeconds),
): GoalCheck[] => {
  const settled = split(
    samples.filter((sample) => sample.t > warmupSeconds),
    3,
  );
  const sixths = split(samples, 6);
  if ([...settled, ...sixths].some((part) => part.length === 0)) {
    const detail = `${samples.length} samples in ${durationSeconds} s: too few for the windows`;
    return [{ name: 'samples', ok: false, detail }];
  }
  const flat = (name: string, read: (sample: SoakSample) => number): GoalCheck => {
    const medians = settled.map((part) => median(part.map(read)));
    const drift = (medians[2]! - medians[0]!) / medians[0]!;
    return {
      name: `${name} flat after ${warmupSeconds} s of warm-up`,
      ok: drift <= 0.1,
      detail: `medians ${medians.map((value) => value.toFixed(1)).join(', ')}; last third vs first ${(drift * 100).toFixed(1)} % (limit +10 %)`,
    };
  };
  const rate = (part: readonly SoakSample[]) =>
    part.reduce((sum, sample) => sum + sample.operationsPerSecond, 0) / part.length;
  const first = rate(sixths[0]!);
  const last = rate(sixths[5]!);
  return [
    flat('RSS (MiB)', (sample) => sample.rssMiB),
    flat('live heap (MiB)', (sample) => sample.heapUsedMiB),
    flat('open fds', (sample) => sample.openFds),
    {
      name: 'throughput holds',
      timed: true,
      ok: last >= 0.9 * first,
      detail: `last sixth ${last.toFixed(1)} ops/s, first ${first.toFixed(1)} ops/s (${(last / first).toFixed(2)}x, need 0.9x)`,
    },
    {
      name: 'no errors',
      ok: outcome.errors === 0,
      detail: `${outcome.errors} errors other than documented 4xx`,
    },
    {
      name: 'nothing lost',
      ok: outcome.violations === 0,
      detail: `${outcome.violations} ledger violations`,
    },
  ];
};
