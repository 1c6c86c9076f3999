import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Context } from 'aws-lambda';
import { composeServices } from '../lambdas/compose.js';
import { loadConfig } from '../lambdas/config.js';
import { createUploadUrlHandler } from '../lambdas/http/upload-url.js';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpApiEvent } from '../test/helpers/lambda-events.js';
import { alternate, formatRatio, type RatioStats } from './ratio.js';

/**
 * P1: calls/s of the upload-url handler (middy, body parser, logger context, contract,
 * domain, presign) against calls/s of a bare getSignedUrl(PutObjectCommand) on a client of
 * the same configuration, in this one process. Presigning needs no network.
 */
export interface HotPathReport {
  readonly handlerPerSecond: readonly number[];
  readonly rawPerSecond: readonly number[];
  readonly ratio: RatioStats;
}

const config = loadConfig({
  STORAGE_TYPE: 'minio',
  MINIO_ENDPOINT: '127.0.0.1:9',
  BUCKET_NAME: 'bench',
  MINIO_ACCESS_KEY: 'bench-access',
  MINIO_SECRET_KEY: 'bench-secret',
});

export const lambdaContext = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '256',
  awsRequestId: 'bench-request',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** Calls `call` back to back for `millis`, and answers calls per second. */
export const callsPerSecond = async (
  call: () => Promise<unknown>,
  millis: number,
): Promise<number> => {
  const started = performance.now();
  let calls = 0;
  let now = started;
  while (now - started < millis) {
    // Batches keep the clock reads out of the measurement.
    for (let i = 0; i < 50; i++) await call();
    calls += 50;
    now = performance.now();
  }
  return (calls * 1000) / (now - started);
};

/** Runs the measurement in this process; its audit lines go to this process's stdout. */
export const measureHotPath = async (
  options: { rounds?: number; millis?: number } = {},
): Promise<HotPathReport> => {
  const rounds = options.rounds ?? 7;
  const millis = options.millis ?? 1500;
  const services = composeServices(config);
  const handler = createUploadUrlHandler(() => services);
  const context = lambdaContext('upload-url');
  let n = 0;
  const viaHandler = async () => {
    const response = await handler(
      httpApiEvent('POST', '/api/v1/upload-url', {
        object_name: `docs/file-${n++}.txt`,
        content_type: 'text/plain',
      }),
      context,
    );
    if (response.statusCode !== 200) throw new Error(`upload-url answered ${response.body}`);
  };
  const raw = async () =>
    getSignedUrl(
      services.client,
      new PutObjectCommand({
        Bucket: config.buckets.draft,
        Key: `anonymous/docs/file-${n++}.txt`,
        ContentType: 'text/plain',
      }),
      { expiresIn: config.uploadTtlSeconds, signableHeaders: new Set(['content-type']) },
    );
  // Warm both paths up (JIT, the client's lazily resolved config) before measuring.
  await callsPerSecond(viaHandler, 300);
  await callsPerSecond(raw, 300);
  const { stats, a, b } = await alternate(
    rounds,
    () => callsPerSecond(viaHandler, millis),
    () => callsPerSecond(raw, millis),
    (handlerRate, rawRate) => handlerRate / rawRate,
  );
  services.client.destroy();
  return { handlerPerSecond: a, rawPerSecond: b, ratio: stats };
};

/**
 * Runs measureHotPath in a child process whose stdout (one audit line per handler call)
 * goes to /dev/null, as a Lambda's goes to its log pipe, not to this terminal.
 */
export const runHotPathBench = async (
  options: { rounds?: number; millis?: number } = {},
): Promise<HotPathReport> => {
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-p1-'));
  const resultFile = join(directory, 'result.json');
  try {
    const child = spawn(join('node_modules', '.bin', 'tsx'), ['bench/hot-path-worker.ts'], {
      env: {
        ...process.env,
        BENCH_RESULT_FILE: resultFile,
        BENCH_ROUNDS: String(options.rounds ?? 7),
        BENCH_MILLIS: String(options.millis ?? 1500),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the P1 worker exited with ${code}`);
    return JSON.parse(await readFile(resultFile, 'utf8')) as HotPathReport;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
};

export const formatHotPathBench = (report: HotPathReport): string =>
  [
    formatRatio('P1 upload-url handler calls/s over raw getSignedUrl', report.ratio, {
      atLeast: 0.85,
    }),
    `    handler ${report.handlerPerSecond.map((rate) => rate.toFixed(0)).join(', ')} calls/s; raw ${report.rawPerSecond.map((rate) => rate.toFixed(0)).join(', ')} calls/s`,
  ].join('\n');
