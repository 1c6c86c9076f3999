import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '../lambdas/compose.js';
import { composeUsage } from '../lambdas/compose-usage.js';
import { loadConfig } from '../lambdas/config.js';
import { createUploadUrlHandler } from '../lambdas/http/upload-url.js';
import { ensureUsageTable } from '../lambdas/storage/usage-table-setup.js';
import { startEmbeddedDynamoDb } from '../local/embedded-dynamodb.js';
import { httpApiEvent } from '../test/helpers/lambda-events.js';
import { callsPerSecond, lambdaContext } from './hot-path-bench.js';
import { alternate, median, type RatioStats } from './ratio.js';
import { requestsPerSecond, startServer, stop, type Started } from './rest-throughput-bench.js';

/**
 * What RATE_LIMIT_PER_MINUTE costs on the two hot paths P1 and P5, set against unset, each
 * side by side in one run. Set, every upload-url call makes its one conditional UpdateItem
 * in the usage table (dynalite here, in the same process as the handler for P1, in the
 * npm start process for P5); the limit is high enough that every call is admitted.
 */
export interface RateLimitReport {
  /** P1: upload-url handler calls/s, set over unset. */
  readonly handler: { readonly set: readonly number[]; readonly unset: readonly number[] };
  readonly handlerRatio: RatioStats;
  /** P5: npm start REST upload-url req/s, set over unset. */
  readonly npmStart: { readonly set: readonly number[]; readonly unset: readonly number[] };
  readonly npmStartRatio: RatioStats;
}

/** A limit no bench reaches: every call is counted and admitted. */
const NEVER_REACHED = '1000000000';

const BASE = {
  STORAGE_TYPE: 'minio',
  MINIO_ENDPOINT: '127.0.0.1:9',
  BUCKET_NAME: 'bench',
  MINIO_ACCESS_KEY: 'bench-access',
  MINIO_SECRET_KEY: 'bench-secret',
};

/** P1's two handlers in this process, the limited one on an in-memory dynalite. */
export const measureRateLimitHotPath = async (
  options: { rounds?: number; millis?: number } = {},
): Promise<Pick<RateLimitReport, 'handler' | 'handlerRatio'>> => {
  const rounds = options.rounds ?? 7;
  const millis = options.millis ?? 1500;
  const dynamo = await startEmbeddedDynamoDb({ host: '127.0.0.1', port: 0 });
  const unset = composeServices(loadConfig(BASE));
  const set = composeServices(
    loadConfig({
      ...BASE,
      USAGE_TABLE: 'bench-usage',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      RATE_LIMIT_PER_MINUTE: NEVER_REACHED,
    }),
    { usage: composeUsage },
  );
  try {
    await ensureUsageTable(set.usage!.table.client, 'bench-usage');
    const context = lambdaContext('upload-url');
    let n = 0;
    const callOf = (handler: ReturnType<typeof createUploadUrlHandler>) => async () => {
      const response = await handler(
        httpApiEvent('POST', '/api/v1/upload-url', {
          object_name: `docs/file-${n++}.txt`,
          content_type: 'text/plain',
        }),
        context,
      );
      if (response.statusCode !== 200) throw new Error(`upload-url answered ${response.body}`);
    };
    const viaSet = callOf(createUploadUrlHandler(() => set));
    const viaUnset = callOf(createUploadUrlHandler(() => unset));
    await callsPerSecond(viaSet, 300);
    await callsPerSecond(viaUnset, 300);
    const { stats, a, b } = await alternate(
      rounds,
      () => callsPerSecond(viaSet, millis),
      () => callsPerSecond(viaUnset, millis),
      (withLimit, without) => withLimit / without,
    );
    return { handler: { set: a, unset: b }, handlerRatio: stats };
  } finally {
    set.usage?.table.client.destroy();
    set.client.destroy();
    unset.client.destroy();
    await dynamo.close();
  }
};

/** Runs P1's measurement in a child whose stdout (the audit lines) goes nowhere, as P1 does. */
const runHandlerPart = async (rounds: number) => {
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-p1-rate-'));
  const resultFile = join(directory, 'result.json');
  try {
    const child = spawn(join('node_modules', '.bin', 'tsx'), ['bench/rate-limit-worker.ts'], {
      env: { ...process.env, BENCH_RESULT_FILE: resultFile, BENCH_ROUNDS: String(rounds) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the rate-limit P1 worker exited with ${code}`);
    return JSON.parse(await readFile(resultFile, 'utf8')) as Pick<
      RateLimitReport,
      'handler' | 'handlerRatio'
    >;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};

/** P5's two npm start processes, each on its own embedded store; one limits (with its dynalite). */
const runNpmStartPart = async (rounds: number, seconds: number) => {
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-p5-rate-'));
  const servers: Started[] = [];
  const start = async (name: string, env: Record<string, string>) => {
    const started = await startServer(
      ['bin/local.ts'],
      {
        NODE_OPTIONS: '--openssl-legacy-provider',
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        MINIO_ENDPOINT: '127.0.0.1:0',
        DRAFTSTORE_DATA_DIR: join(directory, name),
        ...env,
      },
      join(directory, `${name}.log`),
      /API:\s+(http:\/\/\S+)/,
    );
    servers.push(started);
    return started;
  };
  try {
    const set = await start('set', { RATE_LIMIT_PER_MINUTE: NEVER_REACHED });
    const unset = await start('unset', {});
    await requestsPerSecond(set.url, 1);
    await requestsPerSecond(unset.url, 1);
    const { stats, a, b } = await alternate(
      rounds,
      () => requestsPerSecond(set.url, seconds),
      () => requestsPerSecond(unset.url, seconds),
      (withLimit, without) => withLimit / without,
    );
    return { npmStart: { set: a, unset: b }, npmStartRatio: stats };
  } finally {
    await Promise.all(servers.map(stop));
    await rm(directory, { recursive: true, force: true });
  }
};

export const runRateLimitBench = async (
  options: { rounds?: number; seconds?: number } = {},
): Promise<RateLimitReport> => {
  const rounds = options.rounds ?? 7;
  return {
    ...(await runHandlerPart(rounds)),
    ...(await runNpmStartPart(rounds, options.seconds ?? 4)),
  };
};

/** What the limit adds to one call, in ms: the median over rounds of 1/set - 1/unset. */
const addedMillis = (set: readonly number[], unset: readonly number[]): string =>
  median(set.map((rate, round) => 1000 / rate - 1000 / unset[round]!)).toFixed(2);

const rates = (values: readonly number[]) => values.map((value) => value.toFixed(0)).join(', ');

const ratioText = (stats: RatioStats) =>
  `median ${stats.median.toFixed(2)}x (range ${stats.min.toFixed(2)}x-${stats.max.toFixed(2)}x, ${stats.ratios.length} rounds)`;

/** Reported, not judged: the issue asks for the figures with the limits on. */
export const formatRateLimitBench = (report: RateLimitReport): string =>
  [
    `P1 upload-url handler calls/s, RATE_LIMIT_PER_MINUTE set over unset: ${ratioText(report.handlerRatio)}`,
    `    set ${rates(report.handler.set)} calls/s; unset ${rates(report.handler.unset)} calls/s; about ${addedMillis(report.handler.set, report.handler.unset)} ms more per call`,
    `P5 npm start REST upload-url req/s, RATE_LIMIT_PER_MINUTE set over unset: ${ratioText(report.npmStartRatio)}`,
    `    set ${rates(report.npmStart.set)} req/s; unset ${rates(report.npmStart.unset)} req/s`,
  ].join('\n');
