import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  missingCeph,
  startRgw,
  stopRgw,
  type RgwInstance,
} from '../test/conformance/global-setup.js';
import { startTestRuntime, type TestRuntime } from '../test/helpers/local-runtime.js';

const run = promisify(execFile);
const MIB = 1024 * 1024;

/**
 * P6: the draftstore CLI against `aws s3 cp`, each uploading the same file to the same
 * Ceph RGW, alternating, with both tools on their default part size and concurrency.
 * The CLI is the compiled package (what `npm install @draftstore/client` runs), not tsx.
 */
export interface UploadBenchOptions {
  readonly bytes: number;
  readonly pairs: number;
  readonly log: (line: string) => void;
}

interface Timed {
  readonly seconds: number;
  readonly maxRssBytes: number;
}

export interface UploadBenchReport {
  readonly skipped?: string;
  readonly bytes?: number;
  readonly awsVersion?: string;
  readonly pairs?: { first: 'cli' | 'aws'; cli: Timed; aws: Timed; ratio: number }[];
  readonly partSize?: number;
  readonly concurrency?: number;
}

/** Runs a command under /usr/bin/time, for its wall time and peak RSS. */
const timed = async (command: string[], env: NodeJS.ProcessEnv): Promise<Timed> => {
  const started = process.hrtime.bigint();
  const { stderr } = await new Promise<{ stderr: string }>((done, fail) => {
    const child = spawn('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', ...command], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) =>
      code === 0 ? done({ stderr: err }) : fail(new Error(`${command[0]} exited ${code}: ${err}`)),
    );
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const kb = Number(/MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
  return { seconds, maxRssBytes: kb * 1024 };
};

/** The aws CLI, installed from Debian's archive when missing (as root), or a reason to skip. */
const ensureAwsCli = async (log: (line: string) => void): Promise<string | undefined> => {
  const version = async () =>
    (await run('aws', ['--version'])).stdout.trim() || 'aws (unknown version)';
  try {
    return await version();
  } catch {
    log('P6: aws CLI missing; trying apt-get install -y awscli');
    try {
      await run('apt-get', ['install', '-y', 'awscli'], { timeout: 300_000 });
      return await version();
    } catch (error) {
      log(`P6: could not install awscli (${(error as Error).message.split('\n')[0]})`);
      return undefined;
    }
  }
};

const writeRandomFile = async (path: string, bytes: number): Promise<void> => {
  const { randomFillSync } = await import('node:crypto');
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(4 * MIB);
  for (let written = 0; written < bytes; written += chunk.length) {
    randomFillSync(chunk);
    const slice = chunk.subarray(0, Math.min(chunk.length, bytes - written));
    if (!out.write(slice))
      await new Promise<void>((resolveDrain) => out.once('drain', () => resolveDrain()));
  }
  await new Promise<void>((done, fail) =>
    out.end((error?: Error | null) => (error ? fail(error) : done())),
  );
};

export const runUploadBench = async (options: UploadBenchOptions): Promise<UploadBenchReport> => {
  const { log } = options;
  const missing = await missingCeph();
  if (missing) return { skipped: `Ceph RGW is not installed (missing: ${missing})` };
  const awsVersion = await ensureAwsCli(log);
  if (!awsVersion) return { skipped: 'the aws CLI is missing and could not be installed' };

  const work = resolve('.bench/p6');
  await mkdir(work, { recursive: true });
  const file = join(work, 'upload.bin');
  const dist = join(work, 'client-dist');
  let rgw: RgwInstance | undefined;
  let api: TestRuntime | undefined;
  try {
    log(
      `P6: building the CLI, writing ${options.bytes / MIB} MiB of random bytes, starting Ceph RGW`,
    );
    await run(process.execPath, [
      resolve('node_modules/typescript/bin/tsc'),
      '-p',
      'client',
      '--outDir',
      dist,
    ]);
    await writeRandomFile(file, options.bytes);
    rgw = await startRgw();
    api = await startTestRuntime(
      {
        MINIO_ENDPOINT: rgw.endpoint,
        MINIO_ACCESS_KEY: rgw.accessKey,
        MINIO_SECRET_KEY: rgw.secretKey,
        MINIO_REGION: rgw.region,
        BUCKET_NAME: `p6-${Date.now().toString(36)}`,
        CLEANUP_INTERVAL: '0',
      },
      { embeddedStore: false },
    );
    const env = {
      ...process.env,
      DRAFTSTORE_API_URL: api.apiUrl,
      DRAFTSTORE_CACHE_DIR: join(work, 'cache'),
      AWS_ACCESS_KEY_ID: rgw.accessKey,
      AWS_SECRET_ACCESS_KEY: rgw.secretKey,
      AWS_DEFAULT_REGION: rgw.region,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const cli = (i: number) =>
      timed(
        [
          process.execPath,
          join(dist, 'client/src/cli.js'),
          'upload',
          file,
          '--name',
          `p6/cli-${i}.bin`,
          '--json',
        ],
        env,
      );
    const aws = (i: number) =>
      timed(
        [
          'aws',
          '--endpoint-url',
          `http://${rgw!.endpoint}`,
          's3',
          'cp',
          '--only-show-errors',
          file,
          `s3://${api!.config.buckets.draft}/anonymous/p6/aws-${i}.bin`,
        ],
        env,
      );
    const pairs: NonNullable<UploadBenchReport['pairs']> = [];
    for (let i = 0; i < options.pairs; i++) {
      const first = i % 2 === 0 ? 'cli' : 'aws';
      const a = first === 'cli' ? await cli(i) : await aws(i);
      const b = first === 'cli' ? await aws(i) : await cli(i);
      const [cliRun, awsRun] = first === 'cli' ? [a, b] : [b, a];
      const ratio = awsRun.seconds / cliRun.seconds;
      pairs.push({ first, cli: cliRun, aws: awsRun, ratio });
      log(
        `P6 pair ${i + 1} (${first} first): cli ${cliRun.seconds.toFixed(1)} s, aws ${awsRun.seconds.toFixed(1)} s, ratio ${ratio.toFixed(2)}x, cli peak RSS ${(cliRun.maxRssBytes / MIB).toFixed(0)} MiB`,
      );
    }
    return { bytes: options.bytes, awsVersion, pairs, partSize: 16 * MIB, concurrency: 4 };
  } finally {
    await api?.stop();
    if (rgw) await stopRgw(rgw.directory);
    await rm(work, { recursive: true, force: true });
  }
};

export const formatUploadBench = (report: UploadBenchReport): string => {
  if (report.skipped || !report.pairs || !report.bytes) return `P6 SKIPPED: ${report.skipped}`;
  const ratios = report.pairs.map((pair) => pair.ratio).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)] ?? NaN;
  const peak = Math.max(...report.pairs.map((pair) => pair.cli.maxRssBytes));
  const budget = 2 * (report.partSize ?? 0) * (report.concurrency ?? 0) + 100 * MIB;
  const mibps = (run: Timed) => report.bytes! / MIB / run.seconds;
  const median_ = (values: number[]) =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  return [
    `P6: draftstore CLI vs ${report.awsVersion}, ${report.bytes / MIB} MiB to Ceph RGW, ${report.pairs.length} alternating pairs, default settings (CLI: 16 MiB parts x 4)`,
    `  throughput: cli median ${median_(report.pairs.map((p) => mibps(p.cli))).toFixed(1)} MiB/s, aws median ${median_(report.pairs.map((p) => mibps(p.aws))).toFixed(1)} MiB/s`,
    `  ratio cli/aws: median ${median.toFixed(2)}x, range ${ratios[0]?.toFixed(2)}-${ratios.at(-1)?.toFixed(2)}x (goal >= 1.0x): ${median >= 1 ? 'met' : 'NOT met'}`,
    `  cli peak RSS ${(peak / MIB).toFixed(0)} MiB (goal <= ${(budget / MIB).toFixed(0)} MiB): ${peak <= budget ? 'met' : 'NOT met'}`,
  ].join('\n');
};
