import { writeFile } from 'node:fs/promises';
import { measureRateLimitHotPath } from './rate-limit-bench.js';

// The rate-limit P1 measuring process (see runRateLimitBench): writes the report to BENCH_RESULT_FILE.
const report = await measureRateLimitHotPath({
  rounds: Number(process.env.BENCH_ROUNDS ?? 7),
  millis: Number(process.env.BENCH_MILLIS ?? 1500),
});
await writeFile(process.env.BENCH_RESULT_FILE!, JSON.stringify(report));
