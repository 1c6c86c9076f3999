import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { runCli } from '../helpers/cli.js';

jest.setTimeout(30_000);

/**
 * The CLI against an API and store that misbehave (a real HTTP server that answers wrongly):
 * every run must end with exit code 1 and a DraftStore error code, never a "success" and
 * never a truncated file left behind.
 */
describe('the draftstore CLI against a hostile server', () => {
  let server: Server;
  let base: string;
  let folder: string;
  let answer: (path: string) => { status: number; body: string; cut?: boolean };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'draftstore-cli-hostile-'));
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const { status, body, cut } = answer(request.url ?? '/');
        if (cut) {
          response.writeHead(status, { 'content-length': String(body.length * 10) });
          response.write(body);
          setTimeout(() => response.socket?.destroy(), 20);
          return;
        }
        response.writeHead(status, { 'content-type': 'text/html' }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(folder, { recursive: true, force: true });
  });

  const run = (args: string[]) =>
    runCli([...args, '--api', base], { DRAFTSTORE_CACHE_DIR: join(folder, 'cache') });

  it('fails `url` when the API answers 200 without a download URL', async () => {
    answer = () => ({ status: 200, body: '{}' });
    const result = await run(['url', 'a.txt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid_response/);
    expect(result.stdout).toBe('');
  });

  it('fails `confirm` when the API answers 200 with something else', async () => {
    answer = () => ({ status: 200, body: '{"ok":true}' });
    const result = await run(['confirm', 'a.txt']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid_response/);
  });

  it('fails `upload` on an HTML page answered 200', async () => {
    answer = () => ({ status: 200, body: '<html>Welcome to nginx</html>' });
    const file = join(folder, 'small.txt');
    await writeFile(file, 'hello');
    const result = await run(['upload', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid_response/);
  });

  it('leaves no truncated file when the download is cut off', async () => {
    answer = (path) =>
      path.startsWith('/api/')
        ? {
            status: 200,
            body: JSON.stringify({
              download_url: `${base}/store/a.bin`,
              object_name: 'a.bin',
              stage: 'main',
              expires_at: new Date(Date.now() + 60_000).toISOString(),
            }),
          }
        : { status: 200, body: 'x'.repeat(1000), cut: true };
    const output = join(folder, 'out');
    await rm(output, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(output);
    const result = await run(['download', 'a.bin', '--output', join(output, 'a.bin')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/network_error/);
    expect(await readdir(output)).toEqual([]);
  });

  it('fails `download` on a download URL that is not http(s)', async () => {
    answer = () => ({
      status: 200,
      body: JSON.stringify({
        download_url: 'file:///etc/passwd',
        object_name: 'a.bin',
        stage: 'main',
        expires_at: new Date().toISOString(),
      }),
    });
    const output = join(folder, 'passwd');
    const result = await run(['download', 'a.bin', '--output', output]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid_response/);
    await expect(readdir(folder)).resolves.not.toContain('passwd');
  });
});
