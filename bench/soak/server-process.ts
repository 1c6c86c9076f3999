import { spawn, type ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ProbeReading } from './server-probe.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROBE = fileURLToPath(new URL('./server-probe.ts', import.meta.url));

/** What one sample reads of the server process: /proc for fds, the probe (after a full GC) for the rest. */
export interface ServerReading {
  /** After a full garbage collection. */
  readonly rssBytes: number;
  readonly openFds: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/** `npm start` as a child process (of the soak, or of a chaos test), with the probe loaded into it. */
export interface ServerProcess {
  readonly apiUrl: string;
  readonly pid: number;
  read(): Promise<ServerReading>;
  /** What it wrote to stderr (an unexpected error log, a crash). */
  stderr(): string;
  alive(): boolean;
  /** SIGTERM, and SIGKILL if it has not stopped in 15 s. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, with no chance to finish anything. */
  kill(): Promise<void>;
}

const fdsOf = async (pid: number): Promise<number> => (await readdir(`/proc/${pid}/fd`)).length;

/**
 * Starts bin/local.ts exactly as `npm start` runs it, but as one process (node --import tsx,
 * not the tsx launcher, which would put a second process between the soak and the server), so
 * /proc/<pid> is the server itself. `env` chooses the store: nothing for the embedded one,
 * STORAGE_TYPE=minio and MINIO_* for RGW. With --expose-gc, so the probe reads memory after a full GC.
 */
export const startServerProcess = async (env: Record<string, string>): Promise<ServerProcess> => {
  const inherited = { ...process.env };
  delete inherited.STORAGE_TYPE;
  delete inherited.NODE_OPTIONS;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      '--expose-gc',
      '--import',
      'tsx',
      '--import',
      PROBE,
      'bin/local.ts',
    ],
    {
      cwd: ROOT,
      env: {
        ...inherited,
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        DRAFTSTORE_SOAK_PROBE: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    // Bounded: a server that logs an error per request must not grow the soak itself.
    stderr = (stderr + chunk.toString('utf8')).slice(-64 * 1024);
  });
  const apiUrl = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no start-up banner in 90 s:\n${stderr}`)),
      90_000,
    );
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const api = /API:\s+(http:\/\/\S+)/.exec(stdout)?.[1];
      if (api === undefined) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      done(api);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the server exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  const pid = child.pid!;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const probe = (): Promise<ProbeReading> =>
    new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error('the probe did not answer in 10 s')), 10_000);
      const onMessage = (message: unknown) => {
        if ((message as ProbeReading | undefined)?.type !== 'probe') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        done(message as ProbeReading);
      };
      child.on('message', onMessage);
      child.send('sample');
    });
  return {
    apiUrl,
    pid,
    alive,
    stderr: () => stderr,
    read: async () => {
      const [openFds, reading] = await Promise.all([fdsOf(pid), probe()]);
      return {
        rssBytes: reading.rssBytes,
        openFds,
        heapUsedBytes: reading.heapUsedBytes,
        heapTotalBytes: reading.heapTotalBytes,
        externalBytes: reading.externalBytes,
        loopDelayP99Ms: reading.loopDelayP99Ms,
        loopDelayMaxMs: reading.loopDelayMaxMs,
      };
    },
    stop: async () => {
      if (!alive()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
};
