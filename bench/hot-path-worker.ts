import { writeFile } from 'node:fs/promises';
import { measureHotPath } from './hot-path-bench.js';

// P1's measuring process (see runHotPathBench): writes the report to BENCH_RESULT_FILE.
const report = await measureHotPath({
  rounds: Number(process.env.BENCH_ROUNDS ?? 7),
  millis: Number(process.env.BENCH_MILLIS ?? 1500),
});
await writeFile(process.env.BENCH_RESULT_FILE!, JSON.stringify(report));
