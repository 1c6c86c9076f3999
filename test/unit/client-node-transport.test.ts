import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeTransport } from '../../client/src/transport-node.js';

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
