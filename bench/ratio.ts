/**
 * Side-by-side ratios: A and B measured in turns within one run (A first in odd rounds, B
 * first in even ones), so drift in the machine's load hits both alike.
 */
export interface RatioStats {
  readonly ratios: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const statsOf = (ratios: readonly number[]): RatioStats => ({
  ratios,
  median: median(ratios),
  min: Math.min(...ratios),
  max: Math.max(...ratios),
});

/**
 * Runs `rounds` rounds of A and B, alternating which goes first, and answers each
 * round's `ratio(a, b)`.
 */
export const alternate = async <T>(
  rounds: number,
  runA: () => Promise<T>,
  runB: () => Promise<T>,
  ratio: (a: T, b: T) => number,
): Promise<{ stats: RatioStats; a: T[]; b: T[] }> => {
  const as: T[] = [];
  const bs: T[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let a: T;
    let b: T;
    if (round % 2 === 0) {
      a = await runA();
      b = await runB();
    } else {
      b = await runB();
      a = await runA();
    }
    as.push(a);
    bs.push(b);
    ratios.push(ratio(a, b));
  }
  return { stats: statsOf(ratios), a: as, b: bs };
};

export type Goal = { readonly atMost: number } | { readonly atLeast: number };

const meets = (value: number, goal: Goal): boolean =>
  'atMost' in goal ? value <= goal.atMost : value >= goal.atLeast;

/** `label: median 0.91x (range 0.88x-0.95x), goal >= 0.85x: met` */
export const formatRatio = (label: string, stats: RatioStats, goal: Goal): string => {
  const goalText = 'atMost' in goal ? `<= ${goal.atMost}x` : `>= ${goal.atLeast}x`;
  return `${label}: median ${stats.median.toFixed(2)}x (range ${stats.min.toFixed(2)}x-${stats.max.toFixed(2)}x, ${stats.ratios.length} rounds), goal ${goalText}: ${meets(stats.median, goal) ? 'met' : 'NOT MET'}`;
};
