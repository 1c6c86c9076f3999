import { formatCleanupBench, runCleanupBench } from './cleanup-bench.js';
import { formatUploadBench, runUploadBench } from './upload-bench.js';

/**
 * `npm run bench`. Sizes can be lowered for a quick look:
 * BENCH_DRAFTS=5000 BENCH_SMALL_DRAFTS=500 BENCH_SPEED_DRAFTS=1000 BENCH_SPEED_PAIRS=1 npm run bench
 * P6 (CLI vs aws s3 cp on Ceph RGW): BENCH_P6_MIB=1024 BENCH_P6_PAIRS=3; BENCH_ONLY=p6 or
 * BENCH_ONLY=cleanup runs one of them.
 */
const size = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`${name} must be a positive whole number, got "${raw}"`);
    process.exit(2);
  }
  return value;
};

const main = async () => {
  const large = size('BENCH_DRAFTS', 20_000);
  const small = size('BENCH_SMALL_DRAFTS', Math.max(1, Math.round(large / 10)));
  const speedDrafts = size('BENCH_SPEED_DRAFTS', Math.min(large, 5_000));
  const speedPairs = size('BENCH_SPEED_PAIRS', 3);
  const only = process.env.BENCH_ONLY;
  if (only !== 'p6') {
    console.log(
      `DraftStore benchmark: cleanup (${large} and ${small} drafts; ${speedPairs} speed pairs of ${speedDrafts})`,
    );
    const report = await runCleanupBench({ large, small, speedDrafts, speedPairs });
    console.log(formatCleanupBench(report));
  }
  if (only !== 'cleanup') {
    const upload = await runUploadBench({
      bytes: size('BENCH_P6_MIB', 1024) * 1024 * 1024,
      pairs: size('BENCH_P6_PAIRS', 3),
      log: (line) => console.log(line),
    });
    console.log(formatUploadBench(upload));
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
