import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeTransport, nodeTransport } from '../src/transport-node.js';

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

describe('the Node PUT transport against a hostile store', () => {
  const put = (url: string, options: { idleTimeoutMs?: number; signal?: AbortSignal } = {}) =>
    createNodeTransport(options)({
      url,
      headers: {},
      body: { kind: 'bytes', bytes: new Uint8Array(10) },
      onProgress: () => undefined,
      ...(options.signal && { signal: options.signal }),
    });

  // Cleaned up even when a test fails or times out, so that a failure cannot hang the run.
  const timers: NodeJS.Timeout[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    timers.splice(0).forEach(clearInterval);
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  const serve = async (
    handler: Parameters<typeof createServer>[1],
  ): Promise<{ url: string; close: () => Promise<void> }> => {
    const hostile = createServer(handler);
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    let closed: Promise<void> | undefined;
    const close = () =>
      (closed ??= new Promise<void>((resolve) => {
        hostile.closeAllConnections();
        hostile.close(() => resolve());
      }));
    closers.push(close);
    return {
      url: `http://127.0.0.1:${(hostile.address() as AddressInfo).port}/draft/key`,
      close,
    };
  };

  it('fails a connection reset in the middle of the answer as a network_error', async () => {
    const store = await serve((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(500, { 'content-length': '1000' });
        response.write('<Error><Code>Inter');
        setTimeout(() => response.socket?.destroy(), 20);
      });
    });
    try {
      await expect(put(store.url)).rejects.toMatchObject({ status: 0, code: 'network_error' });
    } finally {
      await store.close();
    }
  });

  it('gives up on an answer that trickles in for ever (slow loris)', async () => {
    const store = await serve((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { etag: '"e"', 'content-length': '100000' });
        timers.push(setInterval(() => response.write(' '), 50));
      });
    });
    try {
      const started = Date.now();
      await expect(put(store.url, { idleTimeoutMs: 300 })).rejects.toMatchObject({
        status: 0,
        code: 'network_error',
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await store.close();
    }
  });

  it('stops at once when the signal fires while the store says nothing', async () => {
    const store = await serve((request) => request.resume());
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      await expect(put(store.url, { signal: controller.signal })).rejects.toMatchObject({
        code: 'aborted',
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await store.close();
    }
  });

  it('refuses headers no HTTP request can carry as a DraftStoreError', async () => {
    await expect(
      createNodeTransport()({
        url: 'http://127.0.0.1:9/draft/key',
        headers: { 'x-amz-meta': 'a\r\nb' },
        body: { kind: 'bytes', bytes: new Uint8Array(1) },
        onProgress: () => undefined,
      }),
    ).rejects.toMatchObject({ name: 'DraftStoreError', code: 'invalid_response' });
  });
});
