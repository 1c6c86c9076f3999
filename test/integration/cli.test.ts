import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { runCli, startCli } from '../helpers/cli.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { sha256 } from '../helpers/uploads.js';

jest.setTimeout(60_000);

const MIB = 1024 * 1024;
const ROOT = resolve('.');

describe('the draftstore CLI against the local runtime (single PUT)', () => {
  let api: TestRuntime;
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startTestRuntime({ CLEANUP_INTERVAL: '0' });
    folder = await mkdtemp(join(tmpdir(), 'draftstore-cli-'));
    env = { DRAFTSTORE_API_URL: api.apiUrl, DRAFTSTORE_CACHE_DIR: join(folder, 'cache') };
  });
  afterAll(async () => {
    await api?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('uploads with --confirm, prints progress lines without a TTY, and downloads the same bytes', async () => {
    const bytes = randomBytes(3 * MIB + 17);
    const file = join(folder, 'photo.png');
    await writeFile(file, bytes);

    const uploaded = await runCli(
      ['upload', file, '--name', 'holiday/photo 1.png', '--confirm'],
      env,
    );
    expect(uploaded.code).toBe(0);
    expect(uploaded.stderr).toMatch(/holiday\/photo 1\.png: \d+% \([\d.]+ \w+ of 3\.0 MiB, /);
    expect(uploaded.stderr).toContain('one PUT, confirmed as main/anonymous/holiday/photo 1.png');

    const output = join(folder, 'back.png');
    const downloaded = await runCli(['download', 'holiday/photo 1.png', '-o', output], env);
    expect(downloaded.code).toBe(0);
    expect(sha256(await readFile(output))).toBe(sha256(bytes));

    const main = await api.post('/api/v1/download-url', {
      object_name: 'holiday/photo 1.png',
      stage: 'main',
    });
    const stored = await fetch(main.json.download_url);
    expect(stored.headers.get('content-type')).toBe('image/png');
  });

  it('prints one JSON result per file with --json, and url prints a working URL', async () => {
    const files = ['a.txt', 'b.txt'].map((name) => join(folder, name));
    await writeFile(files[0] as string, 'first');
    await writeFile(files[1] as string, 'second!');

    const run = await runCli(['upload', ...files, '--json'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ file: files[0], object_name: 'a.txt', size: 5, multipart: false }),
      expect.objectContaining({ file: files[1], object_name: 'b.txt', size: 7, multipart: false }),
    ]);

    const url = await runCli(['url', 'b.txt', '--stage', 'draft'], env);
    expect(url.code).toBe(0);
    expect(await (await fetch(url.stdout.trim())).text()).toBe('second!');
  });

  it('uploads and confirms under the owner of DRAFTSTORE_TOKEN', async () => {
    const file = join(folder, 'mine.txt');
    await writeFile(file, 'owned');
    const token = (bearerFor('user-42').authorization ?? '').replace('Bearer ', '');
    const run = await runCli(['upload', file, '--confirm', '--json'], {
      ...env,
      DRAFTSTORE_TOKEN: token,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).confirmed.final_location).toBe('main/user-42/mine.txt');
    // Another owner (anonymous) does not see it.
    const other = await runCli(['url', 'mine.txt'], env);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('not_found (404)');
  });

  it('exits 1 with the API error code and message', async () => {
    const run = await runCli(['confirm', 'never/uploaded.bin'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: not_found (404): No draft named "never/uploaded.bin".\n');

    const json = await runCli(['confirm', 'bad//name', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({
      status: 400,
      code: 'invalid_object_name',
    });
  });

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['upload'], 'upload needs at least one file'],
    [['upload', 'x', '--concurrency', '0'], '--concurrency: must be a whole number from 1 to 64'],
    [['upload', 'x', '--part-size', '12 bananas'], '--part-size: "12 bananas" is not a size'],
    [['url', 'a', '--stage', 'attic'], '--stage: must be "main" or "draft", got "attic"'],
    [['upload', '/nonexistent/file.bin'], '/nonexistent/file.bin: no such file'],
    [['upload', 'a', 'b', '--name', 'n'], '--name applies to a single file'],
    [
      ['upload', 'x/report.pdf', 'y/report.pdf'],
      'x/report.pdf and y/report.pdf would both be uploaded as "report.pdf"',
    ],
  ])('exits 2 on the usage error %j', async (args, message) => {
    const run = await runCli(args, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`draftstore: ${message}`);
  });

  // What a user types after `npm install`: npx finds the bin npm linked for the workspace
  // (node_modules/.bin/draftstore → client/bin/draftstore.js) and runs it; --no: never fetch,
  // and -- so that npx leaves --help to draftstore.
  it('runs as `npx draftstore` from the project root: --help, then a multipart upload', async () => {
    const bytes = randomBytes(17 * MIB + 5);
    const file = join(folder, 'npx.bin');
    await writeFile(file, bytes);
    const npx = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        execFile(
          'npx',
          ['--no', '--', 'draftstore', ...args],
          { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: folder, ...env } },
          (error, stdout, stderr) =>
            done({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
        );
      });

    const linked = await realpath(join(ROOT, 'node_modules/.bin/draftstore'));
    const help = await npx(['--help']);
    const upload = await npx(['upload', file, '--json', '--confirm']);

    // (A git worktree that borrows another checkout's node_modules links to that one's client/.)
    expect(linked).toMatch(/\/client\/bin\/draftstore\.js$/);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage:\n {2}draftstore upload <file>\.\.\./);
    expect(upload.code).toBe(0);
    expect(JSON.parse(upload.stdout)).toMatchObject({
      object_name: 'npx.bin',
      size: bytes.length,
      multipart: true,
      part_count: 2,
      confirmed: { final_location: 'main/anonymous/npx.bin' },
    });
    const main = await api.post('/api/v1/download-url', { object_name: 'npx.bin', stage: 'main' });
    const stored = Buffer.from(await (await fetch(main.json.download_url)).arrayBuffer());
    expect(sha256(stored)).toBe(sha256(bytes));
  });

  it('exits 130 on Ctrl-C and prints the command that resumes, without the token', async () => {
    const file = join(folder, 'slow.bin');
    await writeFile(file, randomBytes(14 * MIB));
    // A well-formed (unverified, local) JWT: the runtime refuses a malformed one with 401.
    const token = (bearerFor('ctrl-c').authorization ?? '').replace('Bearer ', '');
    const running = startCli(['upload', file, '--confirm'], { ...env, DRAFTSTORE_TOKEN: token });
    await running.waitForStderr(/slow\.bin: \d+%/);
    running.child.kill('SIGINT');
    const run = await running.done;
    expect(run.code).toBe(130);
    expect(run.stderr).toContain(
      `Interrupted. The upload is kept; resume it with:\n  DRAFTSTORE_TOKEN=… draftstore upload ${file} --confirm --api ${api.apiUrl}\n`,
    );
    expect(run.stderr).not.toContain(token);
  });

  it("with --json, Ctrl-C also prints the interrupted file's result, with the resume command", async () => {
    const file = join(folder, 'json-interrupted.bin');
    await writeFile(file, randomBytes(64 * MIB));
    const cache = join(folder, 'cache-json');
    const running = startCli(
      ['upload', file, '--json', '--part-size', '5MiB', '--concurrency', '1'],
      { ...env, DRAFTSTORE_CACHE_DIR: cache },
    );
    // --json draws no progress: the remembered upload shows that the parts are going up.
    const uploads = join(cache, 'uploads');
    while ((await readdir(uploads).catch(() => [])).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    running.child.kill('SIGINT');
    const run = await running.done;
    expect(run.code).toBe(130);
    const resume = `draftstore upload ${file} --concurrency 1 --part-size 5242880 --json --api ${api.apiUrl}`;
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        file,
        error: { status: 0, code: 'aborted', message: 'The upload was cancelled.' },
        resume,
      },
    ]);
  });

  it('with --no-resume, Ctrl-C says the upload was aborted and repeats --no-resume', async () => {
    const file = join(folder, 'no-resume.bin');
    await writeFile(file, randomBytes(64 * MIB));
    const running = startCli(
      ['upload', file, '--no-resume', '--part-size', '5MiB', '--concurrency', '1'],
      env,
    );
    await running.waitForStderr(/no-resume\.bin: \d+%/);
    running.child.kill('SIGINT');
    const run = await running.done;
    expect(run.code).toBe(130);
    expect(run.stderr).not.toContain('The upload is kept');
    expect(run.stderr).toContain(
      `Interrupted. The upload was aborted (--no-resume); start it again with:\n  draftstore upload ${file} --concurrency 1 --part-size 5242880 --no-resume --api ${api.apiUrl}\n`,
    );
  });
});
