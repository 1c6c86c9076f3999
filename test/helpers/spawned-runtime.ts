import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `npm start` in a child process: a crash in it ends that process, not the test run. */
export interface SpawnedRuntime {
  readonly apiUrl: string;
  /** http://host:port of the embedded store. */
  readonly storeUrl: string;
  /** Where the embedded store keeps its files (DRAFTSTORE_DATA_DIR). */
  readonly dataDirectory: string;
  readonly process: ChildProcess;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Everything it wrote to stderr so far (a crash's stack ends up here). */
  stderr(): string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts `bin/local.ts` exactly as `npm start` does (embedded store, no STORAGE_TYPE),
 * on free ports and a fresh data folder, and waits for the start-up banner.
 */
export const spawnLocalRuntime = async (
  env: Record<string, string> = {},
): Promise<SpawnedRuntime> => {
  const dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-spawned-'));
  // Without STORAGE_TYPE, npm start runs the embedded store.
  const inherited = { ...process.env };
  delete inherited.STORAGE_TYPE;
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['bin/local.ts'], {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_OPTIONS: '--openssl-legacy-provider',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      MINIO_ENDPOINT: '127.0.0.1:0',
      CLEANUP_INTERVAL: '0',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      DRAFTSTORE_DATA_DIR: dataDirectory,
      // The suites written before confirm sniffed content upload placeholder bytes under any
      // type; the confirm-gate suites (test/conformance/confirm-gate.test.ts) set `strict`.
      CONTENT_SNIFFING: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const banner = await new Promise<{ apiUrl: string; storeUrl: string }>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no start-up banner in 60 s:\n${stderr}`)),
      60_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const api = /API:\s+(http:\/\/\S+)/.exec(stdout)?.[1];
      const store = /embedded S3 at (http:\/\/\S+)/.exec(stdout)?.[1];
      if (api && store) {
        clearTimeout(timer);
        done({ apiUrl: api, storeUrl: store });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited with ${code} before it was ready:\n${stderr}`));
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    ...banner,
    dataDirectory,
    process: child,
    alive,
    stderr: () => stderr,
    stop: async () => {
      if (alive()) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
};
