import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { jest } from '@jest/globals';
import { runCli as runCliInProcess } from '../../client/src/cli/run.js';
import { runCli } from '../helpers/cli.js';
import { bearerFor, type TestRuntime } from '../helpers/local-runtime.js';
import { putObjects } from '../helpers/seed-objects.js';
import { describeEachStore, startStoreRuntime } from './stores.js';

jest.setTimeout(180_000);

const tokenOf = (owner: string) => (bearerFor(owner).authorization ?? '').replace('Bearer ', '');
const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

/** An object line of `ls`: local date and time, the size, the name (as `aws s3 ls`). */
const objectLine = (size: string, name: string) =>
  new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +${size} ${name.replace('.', '\\.')}$`);

describeEachStore('draftstore ls, info and rm', (store) => {
  let api: TestRuntime;
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startStoreRuntime(store);
    folder = await mkdtemp(join(tmpdir(), 'draftstore-cli-objects-'));
    env = {
      DRAFTSTORE_API_URL: api.apiUrl,
      DRAFTSTORE_TOKEN: tokenOf('alice'),
      DRAFTSTORE_CACHE_DIR: join(folder, 'cache'),
    };
    // alice's confirmed objects; bob has one too, which alice never sees.
    const keys = ['notes.txt', 'photos/b.txt', 'photos/c.txt', 'photos/2026/a.txt', 'photo.txt'];
    await putObjects(
      api.services.client,
      api.config.buckets.main,
      keys.map((key) => `alice/${key}`),
      new Uint8Array(Buffer.from('twelve bytes')),
    );
    await putObjects(
      api.services.client,
      api.config.buckets.main,
      ['bob/secret.txt'],
      new Uint8Array(Buffer.from('bob')),
    );
  });
  afterAll(async () => {
    await api?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('lists one folder level as aws s3 ls does: PRE lines, then objects with exact sizes', async () => {
    const run = await runCli(['ls'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${' '.repeat(27)}PRE photos/`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(objectLine('12', 'notes.txt')),
      expect.stringMatching(objectLine('12', 'photo.txt')),
    ]);
    // The size column ends where "PRE" does.
    expect(lines[1]!.indexOf(' notes.txt')).toBe(30);
  });

  it('shows names from the prefix, pages through a small --page-size, and --summarize totals', async () => {
    const run = await runCli(['ls', 'photos/', '--page-size', '1', '--summarize'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.includes('PRE'))).toEqual([`${' '.repeat(27)}PRE 2026/`]);
    expect(lines.filter((line) => /^\d{4}-/.test(line))).toEqual([
      expect.stringMatching(objectLine('12', 'b.txt')),
      expect.stringMatching(objectLine('12', 'c.txt')),
    ]);
    expect(lines.slice(-2)).toEqual(['Total Objects: 2', '   Total Size: 24']);

    // A prefix that is not a whole folder matches names that start with it.
    const partial = await runCli(['ls', 'photo'], env);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toContain('PRE photos/');
    expect(partial.stdout).toMatch(/ 12 photo\.txt\n/);
  });

  it('--recursive --json prints every object under the prefix, one JSON object per line', async () => {
    const run = await runCli(['ls', 'photos/', '--recursive', '--json', '--page-size', '2'], env);
    expect(run.code).toBe(0);
    const records = jsonLines(run.stdout);
    expect(records.map((record) => record.object_name).sort()).toEqual([
      'photos/2026/a.txt',
      'photos/b.txt',
      'photos/c.txt',
    ]);
    for (const record of records) {
      expect(record).toMatchObject({ size: 12, etag: expect.any(String) });
      expect(Number.isNaN(Date.parse(record.last_modified))).toBe(false);
    }
  });

  it('exits 1 with nothing printed for a prefix that matches nothing; 0 for an empty listing', async () => {
    expect(await runCli(['ls', 'nowhere/'], env)).toMatchObject({ code: 1, stdout: '' });
    // bob's listing holds only his own object; carol has none and that is no error.
    const bob = await runCli(['ls', '--json'], { ...env, DRAFTSTORE_TOKEN: tokenOf('bob') });
    expect(jsonLines(bob.stdout).map((record) => record.object_name)).toEqual(['secret.txt']);
    expect(await runCli(['ls'], { ...env, DRAFTSTORE_TOKEN: tokenOf('carol') })).toMatchObject({
      code: 0,
      stdout: '',
    });
  });

  it('prints human sizes on a terminal only', async () => {
    const stdout = Object.assign(new PassThrough(), { isTTY: true });
    let text = '';
    stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const code = await runCliInProcess(['ls', 'photos/', '--summarize', '--api', api.apiUrl], {
      stdout,
      stderr: new PassThrough(),
      env: { DRAFTSTORE_TOKEN: tokenOf('alice') },
      onInterrupt: () => () => undefined,
    });
    expect(code).toBe(0);
    expect(text).toMatch(/:\d\d +12 B b\.txt\n/);
    expect(text).toContain('Total Size: 24 B');
  });

  it('info prints the object; --json the answer; a missing name exits 1 with not_found', async () => {
    const info = await runCli(['info', 'photos/b.txt'], env);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/^name: +photos\/b\.txt\nstage: +main\nsize: +12\n/);
    expect(info.stdout).toMatch(/\netag: +\S+\n/);

    const json = await runCli(['info', 'photos/b.txt', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      object_name: 'photos/b.txt',
      stage: 'main',
      size: 12,
    });

    const missing = await runCli(['info', 'photos/none.txt'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: not_found \(404\): /);
    // bob cannot see alice's object under the same name.
    const other = await runCli(['info', 'notes.txt'], { ...env, DRAFTSTORE_TOKEN: tokenOf('bob') });
    expect(other.code).toBe(1);
  });

  it('rm deletes a confirmed object, and again is no error (as aws s3 rm)', async () => {
    const removed = await runCli(['rm', 'photos/c.txt'], env);
    expect(removed).toMatchObject({ code: 0, stdout: 'delete: photos/c.txt\n' });
    expect((await runCli(['info', 'photos/c.txt'], env)).code).toBe(1);
    const again = await runCli(['rm', 'photos/c.txt', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      object_name: 'photos/c.txt',
      stage: 'main',
      deleted: true,
    });
    // bob's rm of the same name leaves alice's other objects alone.
    expect(
      (await runCli(['rm', 'notes.txt'], { ...env, DRAFTSTORE_TOKEN: tokenOf('bob') })).code,
    ).toBe(0);
    expect((await runCli(['info', 'notes.txt'], env)).code).toBe(0);
  });

  it('rm --stage draft discards a draft the CLI uploaded, and ls --stage draft no longer lists it', async () => {
    const file = join(folder, 'draft.txt');
    await writeFile(file, 'a draft');
    expect((await runCli(['upload', file, '--name', 'drafts/one.txt'], env)).code).toBe(0);
    const listed = await runCli(['ls', 'drafts/', '--stage', 'draft'], env);
    expect(listed.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(objectLine('7', 'one.txt')),
    ]);

    const removed = await runCli(['rm', 'drafts/one.txt', '--stage', 'draft'], env);
    expect(removed).toMatchObject({ code: 0, stdout: 'delete: drafts/one.txt (draft)\n' });
    expect(await runCli(['ls', 'drafts/', '--stage', 'draft'], env)).toMatchObject({
      code: 1,
      stdout: '',
    });
  });

  it.each([
    [['ls', 'a/', 'b/'], 'ls takes at most one prefix, got 2'],
    [['ls', '--page-size', '0'], '--page-size: must be a whole number from 1 to 1000'],
    [['ls', '--stage', 'attic'], '--stage: must be "main" or "draft"'],
    [['info'], 'info takes exactly one object name, got 0'],
    [['rm', 'a', 'b'], 'rm takes exactly one object name, got 2'],
  ])('exits 2 on the usage error %j', async (args, message) => {
    const run = await runCli(args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`draftstore: ${message}`);
  });
});
