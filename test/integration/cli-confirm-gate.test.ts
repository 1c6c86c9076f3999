import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runCli } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/content-samples.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

jest.setTimeout(60_000);

// The CLI's side of confirm's gate (docs/confirm-checks.md): a refusal is printed with its reason,
// for `upload --confirm` and for `confirm`, in text and in --json.
describe('the draftstore CLI shows why confirm refused a draft (CONTENT_SNIFFING=strict)', () => {
  let api: TestRuntime;
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startTestRuntime({ CLEANUP_INTERVAL: '0', CONTENT_SNIFFING: 'strict' });
    folder = await mkdtemp(join(tmpdir(), 'draftstore-cli-gate-'));
    env = { DRAFTSTORE_API_URL: api.apiUrl, DRAFTSTORE_CACHE_DIR: join(folder, 'cache') };
  });
  afterAll(async () => {
    await api?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('prints content_rejected with its reason when a .png holds no PNG, and exits 1', async () => {
    const file = join(folder, 'holiday.png');
    await writeFile(file, SAMPLES.text);

    const run = await runCli(['upload', file, '--confirm'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(
        `error: ${file.replace(/[/.]/g, '\\$&')}: content_rejected \\(422\\) \\[type_mismatch\\]: \\S`,
      ),
    );

    const json = await runCli(['confirm', 'holiday.png', '--json'], env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({
      status: 422,
      code: 'content_rejected',
      reason: 'type_mismatch',
    });
    // The refused draft stays a draft that no download URL is signed for.
    const url = await runCli(['url', 'holiday.png', '--stage', 'draft'], env);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain('content_rejected (422) [type_mismatch]');
    expect((await runCli(['info', 'holiday.png'], env)).code).toBe(1);
  });

  it('confirms the same name once it holds a real PNG, with its size in pixels in info', async () => {
    const file = join(folder, 'holiday.png');
    await writeFile(file, SAMPLES.png);
    const run = await runCli(['upload', file, '--confirm'], env);
    expect(run.code).toBe(0);
    const info = await runCli(['info', 'holiday.png'], env);
    expect(info.stdout).toMatch(/\ncontent-type: +image\/png\n/);
    expect(info.stdout).toMatch(/\ndimensions: +2x2\n/);
  });
});
