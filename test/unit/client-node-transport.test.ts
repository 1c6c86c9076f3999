import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeTransport, nodeTransport } from '../../client/src/transport-node.js';

describe('the Node PUT transport', () => {
  let server: Server;
  let url: string;
  let folder: string;
  const received: { length: string | undefined; bytes: number }[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'draftstore-transport-'));
    server = createServer((request, response) => {
      let bytes = 0;
      request.on('data', (chunk: Buffer) => (bytes += chunk.length));
      request.on('end', () => {
        received.push({ length: request.headers['content-length'], bytes });
        response.writeHead(200, { etag: '"e"' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/draft/key`;
  });
  afterAll(async () => {
    // The transport's keep-alive agent holds its sockets open.
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(folder, { recursive: true, force: true });
  });
  beforeEach(() => received.splice(0));

  it('PUTs an empty file with Content-Length 0 (a 0-byte upload is allowed)', async () => {
    const path = join(folder, 'empty.txt');
    await writeFile(path, '');
    const answer = await nodeTransport({
      url,
      headers: {},
      body: { kind: 'file', path, start: 0, end: 0 },
      onProgress: () => undefined,
    });
    expect(answer).toMatchObject({ status: 200, etag: '"e"' });
    expect(received).toEqual([{ length: '0', bytes: 0 }]);
  });

  it('gives up on a connection that goes silent (network_error, so the part is retried)', async () => {
    // A store that takes the bytes and never answers: a dead link looks the same.
    const silent = createServer((request) => request.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = Date.now();
      await expect(
        createNodeTransport({ idleTimeoutMs: 300 })({
          url: `http://127.0.0.1:${port}/draft/key`,
          headers: {},
          body: { kind: 'bytes', bytes: new Uint8Array(10) },
          onProgress: () => undefined,
        }),
      ).rejects.toMatchObject({ status: 0, code: 'network_error' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('PUTs a file range with its exact length, counting progress up to it', async () => {
    const path = join(folder, 'range.bin');
    await writeFile(path, Buffer.alloc(1000, 7));
    const progress: number[] = [];
    await nodeTransport({
      url,
      headers: { 'content-length': '600' },
      body: { kind: 'file', path, start: 400, end: 1000 },
      onProgress: (sent) => progress.push(sent),
    });
    expect(received).toEqual([{ length: '600', bytes: 600 }]);
    expect(progress.at(-1)).toBe(600);
  });
});
