import { formatCleanupBench, runCleanupBench } from './cleanup-bench.js';
import { coldStartHeader, formatColdStartBench, runColdStartBench } from './cold-start-bench.js';
import { formatConfirmRequestsBench, runConfirmRequestsBench } from './confirm-requests-bench.js';
import { formatHotPathBench, runHotPathBench } from './hot-path-bench.js';
import { formatRestThroughputBench, runRestThroughputBench } from './rest-throughput-bench.js';
import { formatQuotaBench, runQuotaBench } from './quota-bench.js';
import { formatUploadBench, runUploadBench } from './upload-bench.js';

/**
 * `npm run bench`. Sizes can be lowered for a quick look:
 * BENCH_DRAFTS=5000 BENCH_SMALL_DRAFTS=500 BENCH_SPEED_DRAFTS=1000 BENCH_SPEED_PAIRS=1 npm run bench
 * P2 (cold start of each cdk.out bundle; run `npm run synth` first): BENCH_P2_FUNCTIONS=UploadUrl,Connect
 * measures only those. P6 (CLI vs aws s3 cp on Ceph RGW): BENCH_P6_MIB=1024 BENCH_P6_PAIRS=3.
 * BENCH_ONLY=p1,p2,p4,p5,p6,cleanup,q1 (any of them, comma-separated) runs only those parts;
 * Q1 (confirm with the usage ledger against without): BENCH_Q1_CONFIRMS per round.
 * BENCH_ROUNDS sets the alternating A/B rounds of P1, P2 and P5 (at least 5).
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

const PARTS = ['p1', 'p2', 'p4', 'p5', 'q1', 'cleanup', 'p6'] as const;

const main = async () => {
  const only = (process.env.BENCH_ONLY ?? PARTS.join(',')).split(',').map((part) => part.trim());
  const unknown = only.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) {
    console.error(`BENCH_ONLY: unknown part(s) ${unknown.join(', ')}; known: ${PARTS.join(', ')}`);
    process.exit(2);
  }
  const rounds = Math.max(5, size('BENCH_ROUNDS', 7));
  if (only.includes('p1')) console.log(formatHotPathBench(await runHotPathBench({ rounds })));
  if (only.includes('p2')) {
    console.log(coldStartHeader(rounds));
    const functions = process.env.BENCH_P2_FUNCTIONS?.split(',').map((name) => name.trim());
    const coldStart = await runColdStartBench({
      rounds,
      log: (line) => console.log(line),
      ...(functions && { only: functions }),
    });
    console.log(formatColdStartBench(coldStart));
  }
  if (only.includes('p4')) console.log(formatConfirmRequestsBench(await runConfirmRequestsBench()));
  if (only.includes('p5')) {
    console.log(formatRestThroughputBench(await runRestThroughputBench({ rounds })));
  }
  if (only.includes('q1')) {
    const confirms = size('BENCH_Q1_CONFIRMS', 40);
    console.log(formatQuotaBench(await runQuotaBench({ rounds, confirms })));
  }
  if (only.includes('cleanup')) {
    const large = size('BENCH_DRAFTS', 20_000);
    const small = size('BENCH_SMALL_DRAFTS', Math.max(1, Math.round(large / 10)));
    const speedDrafts = size('BENCH_SPEED_DRAFTS', Math.min(large, 5_000));
    const speedPairs = size('BENCH_SPEED_PAIRS', 3);
    console.log(
      `DraftStore benchmark: cleanup (${large} and ${small} drafts; ${speedPairs} speed pairs of ${speedDrafts})`,
    );
    const report = await runCleanupBench({ large, small, speedDrafts, speedPairs });
    console.log(formatCleanupBench(report));
  }
  if (only.includes('p6')) {
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
