import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';

jest.setTimeout(240_000);

const ROOT = join(import.meta.dirname, '..', '..');

/** `npm run usage` on the embedded store's data folder, as a user runs it. */
const runUsage = (dataDirectory: string, args: string[]) => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DRAFTSTORE_DATA_DIR: dataDirectory,
    NODE_OPTIONS: '--openssl-legacy-provider',
  };
  delete env.STORAGE_TYPE;
  delete env.USAGE_TABLE;
  delete env.DYNAMODB_ENDPOINT;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['bin/usage.ts', ...args],
      { cwd: ROOT, env, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
};

describe('npm run usage', () => {
  let dataDirectory: string;
  beforeAll(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-usage-cli-'));
  });
  afterAll(async () => {
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it('sets an owner’s limits in the table, keeps them across runs, and reconciles', async () => {
    const set = await runUsage(dataDirectory, [
      'set-limit',
      'alice',
      '--bytes',
      '10GiB',
      '--objects',
      '50000',
    ]);
    const shown = await runUsage(dataDirectory, ['show', 'alice']);
    const reset = await runUsage(dataDirectory, ['set-limit', 'alice', '--objects', 'default']);
    const reconciled = await runUsage(dataDirectory, ['reconcile', '--owner', 'alice']);

    expect(set.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      bytes: 0,
      objects: 0,
      quota: { bytes: 10 * 1024 ** 3, objects: 50000 },
    });
    expect(JSON.parse(reset.stdout).quota).toEqual({ bytes: 10 * 1024 ** 3, objects: null });
    expect([reconciled.code, reconciled.stdout.trim()]).toEqual([0, '{"drifts_fixed":0}']);
  });

  it.each([
    [[], /A command is required/],
    [['grow'], /Unknown command: grow/],
    [['set-limit', 'alice'], /needs --bytes, --objects or both/],
    [['set-limit', 'alice', '--bytes', 'lots'], /--bytes must be a size like 10GiB/],
    [['set-limit', 'alice', '--objects', '1.5'], /--objects must be a whole number/],
    [['reconcile', '--min-age', 'soon'], /--min-age must be a whole number/],
    [['show'], /show takes exactly one OWNER/],
  ])('exits 2 on %j, naming the mistake', async (args, message) => {
    const run = await runUsage(dataDirectory, args);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
