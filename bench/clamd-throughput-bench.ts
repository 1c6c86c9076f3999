import { randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadConfig } from '../lambdas/config.js';
import type { DraftUnderCheck } from '../lambdas/core/checks/confirm-check.js';
import { clamdScanner } from '../lambdas/inspection/clamd-scanner.js';
import { createS3Client } from '../lambdas/storage/s3-client.js';
import { startEmbeddedS3 } from '../local/embedded-s3.js';
import { startClamd } from '../test/helpers/clamd.js';
import { alternate, formatRatio, median, type RatioStats } from './ratio.js';

/**
 * clamd throughput: confirm's INSTREAM scan (lambdas/inspection/clamd-scanner.ts) of a file
 * against clamd scanning the same file from disk itself (its SCAN command on the path). The
 * real Debian clamd with the repo's test database, its clean-file cache off so that no
 * round is answered from a hash. Two A sides: the bytes streamed from the embedded store
 * (what confirm does) and from the local disk; and, for scale, an ideal INSTREAM client
 * sending the file from memory, since clamd writes every stream to a temporary file and
 * then scans it, which its own SCAN never does.
 */
export interface ClamdThroughputReport {
  readonly mib: number;
  readonly fromStore: RatioStats;
  readonly fromDisk: RatioStats;
  /** An ideal INSTREAM client (the file from memory) against the same SCAN: clamd's own ceiling. */
  readonly ceiling: RatioStats;
  /** MiB/s medians of each side. */
  readonly mibPerSecond: { readonly store: number; readonly disk: number; readonly clamd: number };
}

const MIB = 1024 * 1024;
const TIMEOUT_MS = 300_000;

/** Sends a command to clamd and answers its reply, without the terminating NUL. */
const clamdTalk = (socket: string, send: (connection: Socket) => void): Promise<string> =>
  new Promise((resolve, reject) => {
    const connection = connect(socket);
    let answer = '';
    connection.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    connection.on('end', () => resolve(answer.replace(/\0$/, '')));
    connection.on('error', reject);
    send(connection);
  });

/** clamd's own scan of a path: `zSCAN <path>\0`, answered `<path>: OK`. */
const clamdScan = (socket: string, path: string): Promise<string> =>
  clamdTalk(socket, (connection) => connection.write(`zSCAN ${path}\0`));

const draftOf = (stream: () => Promise<AsyncIterable<Uint8Array>>, size: number) =>
  ({
    bucket: 'clamd-bench',
    key: 'scan.bin',
    info: { size, etag: '"bench"' },
    declaredType: 'application/octet-stream',
    head: () => Promise.reject(new Error('unused')),
    range: () => Promise.reject(new Error('unused')),
    stream,
  }) as unknown as DraftUnderCheck;

const timed = async (work: () => Promise<void>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

export const runClamdThroughputBench = async (options: {
  rounds: number;
  mib: number;
}): Promise<ClamdThroughputReport> => {
  const bytes = options.mib * MIB;
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-clamd-bench-'));
  const file = join(directory, 'scan.bin');
  const body = Buffer.alloc(bytes);
  randomFillSync(body);
  await writeFile(file, body);
  const clamd = await startClamd(bytes + MIB, ['DisableCache yes', `MaxScanSize ${bytes + MIB}`]);
  const store = await startEmbeddedS3({
    host: '127.0.0.1',
    port: 0,
    directory: join(directory, 'store'),
    buckets: ['clamd-bench'],
    accessKey: 'bench-access',
    secretKey: 'bench-secret',
  });
  const client = createS3Client(
    loadConfig({
      STORAGE_TYPE: 'minio',
      MINIO_ENDPOINT: store.endpoint,
      MINIO_ACCESS_KEY: 'bench-access',
      MINIO_SECRET_KEY: 'bench-secret',
      BUCKET_NAME: 'clamd-bench-main',
    }),
  );
  const scanner = clamdScanner({ address: clamd.socket, timeoutMs: TIMEOUT_MS });
  try {
    await client.send(
      new PutObjectCommand({ Bucket: 'clamd-bench', Key: 'scan.bin', Body: await readFile(file) }),
    );
    const fromStore = draftOf(async () => {
      const out = await client.send(
        new GetObjectCommand({ Bucket: 'clamd-bench', Key: 'scan.bin' }),
      );
      return out.Body as AsyncIterable<Uint8Array>;
    }, bytes);
    const fromDisk = draftOf(
      async () => createReadStream(file, { highWaterMark: 64 * 1024 }),
      bytes,
    );
    const ours = (draft: DraftUnderCheck) => () =>
      timed(async () => {
        const verdict = await scanner.scan(draft);
        if (verdict.verdict !== 'clean') throw new Error(`clamd bench: ${JSON.stringify(verdict)}`);
      });
    // The protocol's ceiling: the whole file from memory in 1 MiB chunks, no store, no disk.
    const ceiling = () =>
      timed(async () => {
        const answer = await clamdTalk(clamd.socket, (connection) => {
          connection.write('zINSTREAM\0');
          for (let at = 0; at < bytes; at += MIB) {
            const header = Buffer.alloc(4);
            header.writeUInt32BE(Math.min(MIB, bytes - at), 0);
            connection.write(header);
            connection.write(body.subarray(at, at + MIB));
          }
          connection.write(Buffer.alloc(4));
        });
        if (answer !== 'stream: OK') throw new Error(`clamd INSTREAM answered "${answer}"`);
      });
    const theirs = () =>
      timed(async () => {
        const answer = await clamdScan(clamd.socket, file);
        if (!answer.endsWith(': OK')) throw new Error(`clamd SCAN answered "${answer}"`);
      });
    // Throughput of ours relative to clamd's: clamd's time over ours.
    const fromStoreRuns = await alternate(options.rounds, ours(fromStore), theirs, (a, b) => b / a);
    const fromDiskRuns = await alternate(options.rounds, ours(fromDisk), theirs, (a, b) => b / a);
    const ceilingRuns = await alternate(options.rounds, ceiling, theirs, (a, b) => b / a);
    const rate = (times: readonly number[]) => options.mib / (median(times) / 1000);
    return {
      mib: options.mib,
      fromStore: fromStoreRuns.stats,
      fromDisk: fromDiskRuns.stats,
      ceiling: ceilingRuns.stats,
      mibPerSecond: {
        store: rate(fromStoreRuns.a),
        disk: rate(fromDiskRuns.a),
        clamd: rate([...fromStoreRuns.b, ...fromDiskRuns.b]),
      },
    };
  } finally {
    client.destroy();
    await store.close();
    await clamd.stop();
    await rm(directory, { recursive: true, force: true });
  }
};

export const formatClamdThroughputBench = (report: ClamdThroughputReport): string =>
  [
    formatRatio(
      `clamd throughput, ${report.mib} MiB: confirm's INSTREAM from the embedded store against clamd's SCAN of the file`,
      report.fromStore,
      { atLeast: 0.8 },
    ),
    formatRatio('    INSTREAM from the local disk against the same SCAN', report.fromDisk, {
      atLeast: 0.8,
    }),
    `    ceiling: an ideal INSTREAM client (the file from memory) against the same SCAN: median ${report.ceiling.median.toFixed(2)}x (range ${report.ceiling.min.toFixed(2)}x-${report.ceiling.max.toFixed(2)}x)`,
    `    medians: INSTREAM from the store ${report.mibPerSecond.store.toFixed(0)} MiB/s, from disk ${report.mibPerSecond.disk.toFixed(0)} MiB/s, clamd SCAN ${report.mibPerSecond.clamd.toFixed(0)} MiB/s`,
  ].join('\n');
