import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { alternate, formatRatio, type RatioStats } from './ratio.js';

/**
 * P5: requests/s of POST /api/v1/upload-url on `npm start` (the local runtime on its
 * embedded store, audit lines and all) over a bare node:http server that only presigns
 * (bench/bare-presign-server.ts). Each server runs in its own process; autocannon drives
 * one at a time, in alternating rounds.
 */
export interface RestThroughputReport {
  readonly npmStart: readonly number[];
  readonly bare: readonly number[];
  readonly ratio: RatioStats;
}

const TSX = join('node_modules', '.bin', 'tsx');

export interface Started {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Starts `args` with stdout in a file (the runtime's log lines would slow a pipe reader), and waits for `pattern` there. */
export const startServer = async (
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  pattern: RegExp,
): Promise<Started> => {
  const out = openSync(logFile, 'w');
  const child = spawn(TSX, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', out, 'inherit'],
  });
  closeSync(out);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    const match = pattern.exec(readFileSync(logFile, 'utf8'));
    if (match) return { url: match[1]!, child };
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${args.join(' ')} did not start within 60 s`);
};

export const stop = async ({ child }: Started) => {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
};

export const requestsPerSecond = async (url: string, seconds: number): Promise<number> => {
  const result = await autocannon({
    url: `${url}/api/v1/upload-url`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ object_name: 'bench/photo.png', content_type: 'image/png' }),
    connections: 10,
    duration: seconds,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return result.requests.average;
};

export const runRestThroughputBench = async (
  options: { rounds?: number; seconds?: number } = {},
): Promise<RestThroughputReport> => {
  const rounds = options.rounds ?? 5;
  const seconds = options.seconds ?? 4;
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-p5-'));
  const servers: Started[] = [];
  try {
    const npmStart = await startServer(
      ['bin/local.ts'],
      {
        NODE_OPTIONS: '--openssl-legacy-provider',
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        DRAFTSTORE_DATA_DIR: join(directory, 'data'),
      },
      join(directory, 'npm-start.log'),
      /API:\s+(http:\/\/\S+)/,
    );
    servers.push(npmStart);
    const bare = await startServer(
      ['bench/bare-presign-server.ts'],
      {},
      join(directory, 'bare.log'),
      /listening (http:\/\/\S+)/,
    );
    servers.push(bare);
    // Warm both up (JIT, lazily built clients) before measuring.
    await requestsPerSecond(npmStart.url, 1);
    await requestsPerSecond(bare.url, 1);
    const { stats, a, b } = await alternate(
      rounds,
      () => requestsPerSecond(npmStart.url, seconds),
      () => requestsPerSecond(bare.url, seconds),
      (ours, theirs) => ours / theirs,
    );
    return { npmStart: a, bare: b, ratio: stats };
  } finally {
    await Promise.all(servers.map(stop));
    await rm(directory, { recursive: true, force: true });
  }
};

export const formatRestThroughputBench = (report: RestThroughputReport): string =>
  [
    formatRatio(
      'P5 npm start REST upload-url req/s over a bare node:http presigner',
      report.ratio,
      {
        atLeast: 0.6,
      },
    ),
    `    npm start ${report.npmStart.map((rate) => rate.toFixed(0)).join(', ')} req/s; bare ${report.bare.map((rate) => rate.toFixed(0)).join(', ')} req/s`,
  ].join('\n');
