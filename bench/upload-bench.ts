import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { logger } from '../lambdas/observability/logger.js';
import {
  missingCeph,
  startRgw,
  stopRgw,
  type RgwInstance,
} from '../test/conformance/global-setup.js';
import { rgwClient } from '../test/conformance/stores.js';
import { startTestRuntime, type TestRuntime } from '../test/helpers/local-runtime.js';
import { alternate, formatRatio, median, type RatioStats } from './ratio.js';

const run = promisify(execFile);
const MIB = 1024 * 1024;
/** The server's default part size, which the CLI gets when it asks for none. */
const PART_SIZE = 16 * MIB;
/** The CLI's default --concurrency. */
const CLI_CONCURRENCY = 4;
/** `aws s3 cp`'s default max_concurrent_requests. */
const AWS_CONCURRENCY = 10;

/**
 * P6: the draftstore CLI against `aws s3 cp`, each uploading the same file into the same
 * draft bucket of the same Ceph RGW, in alternating pairs. Both send 16 MiB parts (aws is
 * configured so; the CLI gets the server's default); each keeps its own default
 * concurrency. The CLI is the compiled package (what `npm install @draftstore/client`
 * runs), not tsx.
 */
export interface UploadBenchOptions {
  readonly bytes: number;
  readonly pairs: number;
  readonly log: (line: string) => void;
}

interface Timed {
  readonly seconds: number;
  /** User plus system CPU time of the process. */
  readonly cpuSeconds: number;
  readonly maxRssBytes: number;
}

export interface UploadBenchReport {
  readonly skipped?: string;
  readonly bytes?: number;
  readonly awsVersion?: string;
  readonly stats?: RatioStats;
  readonly cli?: Timed[];
  readonly aws?: Timed[];
}

/** Runs a command under /usr/bin/time, for its wall time, CPU time and peak RSS. */
const timed = async (command: string[], env: NodeJS.ProcessEnv): Promise<Timed> => {
  const started = process.hrtime.bigint();
  const { stderr } = await new Promise<{ stderr: string }>((done, fail) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIMED %M %U %S', ...command], {
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
  const [kb, user, system] = (/TIMED (\d+) ([\d.]+) ([\d.]+)/.exec(stderr) ?? [])
    .slice(1)
    .map(Number);
  return {
    seconds,
    cpuSeconds: (user ?? NaN) + (system ?? NaN),
    maxRssBytes: (kb ?? NaN) * 1024,
  };
};

const available = async (command: string, args: string[]): Promise<string | undefined> => {
  try {
    const { stdout, stderr } = await run(command, args);
    return (stdout || stderr).trim() || command;
  } catch {
    return undefined;
  }
};

/**
 * The aws CLI, or a reason to skip. Installed from Debian's `awscli` only when running as
 * root with BENCH_INSTALL_AWSCLI=1: the bench never changes a machine unasked.
 */
const ensureAwsCli = async (log: (line: string) => void): Promise<string | undefined> => {
  const version = () => available('aws', ['--version']);
  const found = await version();
  if (found || process.env.BENCH_INSTALL_AWSCLI !== '1') return found;
  log('P6: aws CLI missing; BENCH_INSTALL_AWSCLI=1, so apt-get install -y awscli');
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'awscli'], {
    timeout: 300_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  }).catch((error: Error) => log(`P6: apt-get failed: ${error.message.split('\n')[0]}`));
  return version();
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

/**
 * Checks what a run stored (the whole file; the same multipart ETag for both tools means
 * the same bytes in the same part size), then deletes it and has RGW free its space now:
 * the memstore OSD holds every byte in RAM.
 */
const verifyAndDrop = async (
  s3: S3Client,
  rgw: RgwInstance,
  bucket: string,
  key: string,
  bytes: number,
): Promise<string> => {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  if (head.ContentLength !== bytes) {
    throw new Error(`P6: ${key} holds ${head.ContentLength} bytes, not ${bytes}`);
  }
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  await run('radosgw-admin', [
    '-c',
    join(rgw.directory, 'ceph.conf'),
    '-n',
    'client.admin',
    'gc',
    'process',
    '--include-all',
  ]);
  return head.ETag ?? '';
};

export const runUploadBench = async (options: UploadBenchOptions): Promise<UploadBenchReport> => {
  const { log } = options;
  const missing = await missingCeph();
  if (missing) return { skipped: `Ceph RGW is not installed (missing: ${missing})` };
  if (!(await available('/usr/bin/time', ['-f', '%M', 'true']))) {
    return { skipped: '/usr/bin/time is missing (Debian: apt-get install time)' };
  }
  const awsVersion = await ensureAwsCli(log);
  if (!awsVersion) {
    return {
      skipped:
        'the aws CLI is not installed (Debian: apt-get install awscli, or rerun as root with BENCH_INSTALL_AWSCLI=1)',
    };
  }

  // The runtime's request and audit lines would bury the figures.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  logger.setLogLevel('SILENT');
  const work = resolve('.bench/p6');
  await mkdir(work, { recursive: true });
  const file = join(work, 'upload.bin');
  const dist = join(work, 'client-dist');
  const awsConfig = join(work, 'aws-config');
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
    // A real lifecycle day: with the test RGW's 10-second "day", the buckets' rule that
    // aborts incomplete multipart uploads after a day would cancel a 1 GiB upload midway.
    rgw = await startRgw({ RGW_LC_DEBUG_INTERVAL: '-1' });
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
    const bucket = api.config.buckets.draft;
    const s3 = rgwClient(rgw);
    // Path-style addressing (RGW on an IP has no bucket host names) and the CLI's part size.
    await writeFile(
      awsConfig,
      `[default]\ns3 =\n    addressing_style = path\n    multipart_chunksize = ${PART_SIZE / MIB}MB\n`,
    );
    const env = {
      ...process.env,
      DRAFTSTORE_API_URL: api.apiUrl,
      DRAFTSTORE_CACHE_DIR: join(work, 'cache'),
      AWS_ACCESS_KEY_ID: rgw.accessKey,
      AWS_SECRET_ACCESS_KEY: rgw.secretKey,
      AWS_DEFAULT_REGION: rgw.region,
      AWS_CONFIG_FILE: awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    const runs = { cli: 0, aws: 0 };
    const etags = new Set<string>();
    const once = async (tool: 'cli' | 'aws'): Promise<Timed> => {
      const round = ++runs[tool];
      const key = `anonymous/p6/${tool}-${round}.bin`;
      const command =
        tool === 'cli'
          ? [process.execPath, join(dist, 'client/src/cli.js'), 'upload', file]
          : ['aws', '--endpoint-url', `http://${rgw!.endpoint}`, 's3', 'cp'];
      const result = await timed(
        tool === 'cli'
          ? [...command, '--name', key.replace('anonymous/', ''), '--json']
          : [...command, '--only-show-errors', file, `s3://${bucket}/${key}`],
        env,
      );
      etags.add(await verifyAndDrop(s3, rgw!, bucket, key, options.bytes));
      log(
        `P6 round ${round} ${tool}: ${result.seconds.toFixed(1)} s, ${(options.bytes / MIB / result.seconds).toFixed(0)} MiB/s, CPU ${result.cpuSeconds.toFixed(1)} s, peak RSS ${(result.maxRssBytes / MIB).toFixed(0)} MiB`,
      );
      return result;
    };
    const { stats, a, b } = await alternate(
      options.pairs,
      () => once('cli'),
      () => once('aws'),
      // Throughput of the CLI relative to aws: aws's time over the CLI's.
      (cli, aws) => aws.seconds / cli.seconds,
    );
    if (etags.size !== 1) {
      throw new Error(`P6: the tools stored different multipart ETags: ${[...etags].join(', ')}`);
    }
    return { bytes: options.bytes, awsVersion, stats, cli: a, aws: b };
  } finally {
    await api?.stop();
    if (rgw) await stopRgw(rgw.directory);
    await rm(work, { recursive: true, force: true });
  }
};

export const formatUploadBench = (report: UploadBenchReport): string => {
  const { bytes, stats, cli, aws } = report;
  if (report.skipped || !bytes || !stats || !cli || !aws) return `P6 SKIPPED: ${report.skipped}`;
  const peak = Math.max(...cli.map((run) => run.maxRssBytes));
  const budget = 2 * PART_SIZE * CLI_CONCURRENCY + 100 * MIB;
  const mibps = (runs: Timed[]) => median(runs.map((run) => bytes / MIB / run.seconds));
  const cpu = (runs: Timed[]) => median(runs.map((run) => run.cpuSeconds));
  return [
    `P6: draftstore CLI (16 MiB parts x ${CLI_CONCURRENCY}) vs ${(report.awsVersion ?? 'aws').split(' ')[0]} s3 cp (16 MiB parts x ${AWS_CONCURRENCY}), ${bytes / MIB} MiB into one Ceph RGW bucket`,
    `  median throughput: cli ${mibps(cli).toFixed(0)} MiB/s, aws ${mibps(aws).toFixed(0)} MiB/s; median CPU time: cli ${cpu(cli).toFixed(1)} s, aws ${cpu(aws).toFixed(1)} s`,
    `  ${formatRatio('throughput cli/aws (aws time / cli time)', stats, { atLeast: 1 })}`,
    `  cli peak RSS ${(peak / MIB).toFixed(0)} MiB, goal <= ${(budget / MIB).toFixed(0)} MiB (2 x part size x concurrency + 100 MiB): ${peak <= budget ? 'met' : 'NOT MET'}`,
  ].join('\n');
};
