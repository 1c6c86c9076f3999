import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `npm run cleanup` promises exit code 2 for bad arguments: a script that runs it must
// tell "you called me wrong" from "the sweep failed" (1), and must never get a sweep
// of something other than what it asked for.

const ROOT = join(import.meta.dirname, '..', '..');

const runCleanup = async (args: string[]) => {
  const dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-cleanup-cli-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DRAFTSTORE_DATA_DIR: dataDirectory,
    NODE_OPTIONS: '--openssl-legacy-provider',
  };
  delete env.STORAGE_TYPE;
  try {
    return await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        join(ROOT, 'node_modules', '.bin', 'tsx'),
        ['bin/cleanup.ts', ...args],
        { cwd: ROOT, env, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });
  } finally {
    await rm(dataDirectory, { recursive: true, force: true });
  }
};

describe('npm run cleanup refuses hostile arguments with exit code 2', () => {
  it.each([
    [['--prefix', '/'], /--prefix must name an owner/],
    [['--prefix', ' / '], /--prefix must name an owner/],
    [['--prefix', 'alice/', '--prefix', 'bob/'], /--prefix may be given once/],
  ])(
    '%j',
    async (args, message) => {
      const result = await runCleanup(args);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('Usage: npm run cleanup');
      expect(result.code).toBe(2);
    },
    90_000,
  );

  it('sweeps one owner with a valid --prefix (the control case)', async () => {
    const result = await runCleanup(['--dry-run', '--prefix', 'alice']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ scanned: 0, dryRun: true, complete: true });
  }, 90_000);
});
