import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Jest loads this file (and global-teardown.ts) outside its module system, where
// `./x.js` does not resolve to `./x.ts`: both import only node: modules.

/** Set by globalSetup: the shared RGW instance, as JSON. */
export const RGW_ENV = 'DRAFTSTORE_CONFORMANCE_RGW';
/** Set by globalSetup when Ceph is missing: why the RGW leg cannot run. */
export const RGW_SKIPPED_ENV = 'DRAFTSTORE_CONFORMANCE_RGW_SKIPPED';
/** Set by globalSetup: the repository root (jest's rootDir), where scripts/ceph-rgw.sh lives. */
const ROOT_ENV = 'DRAFTSTORE_CONFORMANCE_ROOT';

const script = (): string => resolve(process.env[ROOT_ENV] ?? process.cwd(), 'scripts/ceph-rgw.sh');

/** A throwaway Ceph RGW started by scripts/ceph-rgw.sh. */
export interface RgwInstance {
  /** host:port, as MINIO_ENDPOINT expects it. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  /** The state directory (CEPH_DIR); stop() deletes it. */
  readonly directory: string;
}

/** The binaries scripts/ceph-rgw.sh needs; `undefined` when all are on PATH. */
export const missingCeph = async (): Promise<string | undefined> => {
  const needed = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph', 'curl'];
  const missing: string[] = [];
  for (const bin of needed) {
    try {
      await run('bash', ['-c', `command -v ${bin}`]);
    } catch {
      missing.push(bin);
    }
  }
  return missing.length > 0 ? missing.join(', ') : undefined;
};

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });

const scriptEnv = (directory: string, extra: Record<string, string> = {}) => ({
  ...process.env,
  CEPH_DIR: directory,
  // Never apt-get from a test run: a missing Ceph is reported, not installed.
  CEPH_INSTALL: '0',
  ...extra,
});

/**
 * Starts a private RGW instance: its own state directory and free ports, so parallel
 * test files, other RGW instances on the machine and a developer's own one never meet.
 * `settings` are scripts/ceph-rgw.sh variables (e.g. RGW_LC_DEBUG_INTERVAL).
 */
export const startRgw = async (settings: Record<string, string> = {}): Promise<RgwInstance> => {
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-rgw-'));
  const [rgwPort, monPort] = [await freePort(), await freePort()];
  try {
    const { stdout } = await run('bash', [script(), 'start'], {
      env: scriptEnv(directory, {
        ...settings,
        RGW_PORT: String(rgwPort),
        CEPH_MON_PORT: String(monPort),
      }),
      timeout: 150_000,
    });
    const vars = Object.fromEntries(
      [...stdout.matchAll(/(RGW_[A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]] as const),
    );
    const endpoint = vars.RGW_ENDPOINT?.replace(/^https?:\/\//, '');
    if (!endpoint || !vars.RGW_ACCESS_KEY || !vars.RGW_SECRET_KEY) {
      throw new Error(`scripts/ceph-rgw.sh start printed no env line: ${stdout}`);
    }
    return {
      endpoint,
      accessKey: vars.RGW_ACCESS_KEY,
      secretKey: vars.RGW_SECRET_KEY,
      region: vars.RGW_REGION ?? 'us-east-1',
      directory,
    };
  } catch (error) {
    await stopRgw(directory).catch(() => undefined);
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`Ceph RGW did not start: ${(error as Error).message}\n${stderr}`, {
      cause: error,
    });
  }
};

/** Kills the instance's daemons and deletes its state directory (and the script's lock file). */
export const stopRgw = async (directory: string): Promise<void> => {
  await run('bash', [script(), 'stop'], { env: scriptEnv(directory), timeout: 60_000 });
  await rm(`${directory}.lock`, { force: true });
  await rm(directory, { recursive: true, force: true });
};

/**
 * Starts one Ceph RGW for the conformance project's test files (they inherit its
 * address through the environment). Without Ceph the RGW leg is skipped, loudly;
 * in CI (CI=true) it fails instead, because there Ceph must be installed.
 */
export default async function globalSetup(
  _globalConfig: unknown,
  projectConfig: { rootDir: string },
): Promise<void> {
  process.env[ROOT_ENV] = projectConfig.rootDir;
  // The deployed project's setup runs this too; jest runs each project's setup, in no set
  // order, so whichever comes second reuses the first one's instance (or its skip reason).
  if (process.env[RGW_ENV] !== undefined || process.env[RGW_SKIPPED_ENV] !== undefined) return;
  const missing = await missingCeph();
  if (missing !== undefined) {
    const reason = `Ceph is not installed (missing: ${missing}); apt-get install radosgw ceph-mon ceph-osd`;
    process.env[RGW_SKIPPED_ENV] = reason;
    process.stderr.write(
      `\n[conformance] ${process.env.CI === 'true' ? 'FAILING' : 'SKIPPING'} the Ceph RGW leg: ${reason}\n`,
    );
    return;
  }
  const started = Date.now();
  const rgw = await startRgw();
  process.env[RGW_ENV] = JSON.stringify(rgw);
  process.stderr.write(
    `\n[conformance] Ceph RGW on ${rgw.endpoint} (started in ${Date.now() - started} ms)\n`,
  );
}
