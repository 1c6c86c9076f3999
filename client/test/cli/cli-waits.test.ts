import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/run.js';
import { startScriptedApi, type ScriptedApi } from '../helpers/scripted-api.js';

const USAGE = {
  bytes: 3 * 1024 * 1024 + 512 * 1024,
  objects: 7,
  quota: { bytes: 10 * 1024 * 1024, objects: null },
};
const rateLimited = (seconds: string) => ({
  status: 429,
  headers: { 'retry-after': seconds },
  body: { error: { code: 'rate_limited', message: 'Too many requests.' } },
});

/** The CLI in-process against `api`, stdout a terminal or not; answers code, stdout, stderr. */
const cli = async (api: ScriptedApi, args: string[], terminal = false) => {
  const stdout = Object.assign(new PassThrough(), { isTTY: terminal });
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli([...args, '--api', api.url], {
    stdout,
    stderr,
    env: {},
    onInterrupt: () => () => undefined,
  });
  return { code, stdout: out, stderr: err };
};

// The usage route and the rate limiter live on the server (issue 20); this real HTTP stub gives
// their answers on demand, Retry-After included.
describe('draftstore usage, and the waits the API asks for', () => {
  let api: ScriptedApi;
  beforeEach(async () => {
    api = await startScriptedApi();
  });
  afterEach(() => api.close());

  it('prints usage against the quota: exact bytes in a pipe, human sizes on a terminal', async () => {
    api.script('/api/v1/usage', { status: 200, body: USAGE });
    expect(await cli(api, ['usage'])).toEqual({
      code: 0,
      stdout: 'bytes:   3670016 of 10485760 (35 %)\nobjects: 7 (no quota)\n',
      stderr: '',
    });
    expect((await cli(api, ['usage'], true)).stdout).toBe(
      'bytes:   3.5 MiB of 10.0 MiB (35 %)\nobjects: 7 (no quota)\n',
    );
    expect(JSON.parse((await cli(api, ['usage', '--json'])).stdout)).toEqual(USAGE);
  });

  it('shows a rate limit wait on stderr, then answers', async () => {
    api.script('/api/v1/usage', rateLimited('1'), { status: 200, body: USAGE });
    const run = await cli(api, ['usage']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('rate limited by the API: waiting 1 s before asking again\n');
    expect(run.stdout).toContain('bytes:   3670016 of 10485760');
  });

  it('exits 1 with the wait it would need when the API asks for more than a minute', async () => {
    api.script('/api/v1/usage', rateLimited('90'));
    const run = await cli(api, ['usage']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: rate_limited (429): Too many requests. (retry after 90 s)\n');
    expect(JSON.parse((await cli(api, ['usage', '--json'])).stdout)).toEqual({
      error: {
        status: 429,
        code: 'rate_limited',
        message: 'Too many requests.',
        retry_after_seconds: 90,
      },
    });
  });

  it('exits 2 when usage is given arguments', async () => {
    const run = await cli(api, ['usage', 'me']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('draftstore: usage takes no arguments');
    expect(api.requests).toEqual([]);
  });
});
