import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to a request it picks. */
export const FAULT_KINDS = ['internalError', 'slowDown', 'reset', 'dropReply'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultProxyOptions {
  /** host:port of the real store. */
  readonly target: string;
  /** The PRNG seed: the same seed picks the same request numbers and kinds. */
  readonly seed: number;
  /** Share of requests that get a fault, 0–1. */
  readonly rate: number;
}

export interface FaultProxy {
  /** host:port to point MINIO_ENDPOINT at. */
  readonly endpoint: string;
  /** Faults injected so far, per kind, and requests passed through untouched. */
  readonly counts: Readonly<Record<FaultKind | 'forwarded', number>>;
  /** Faults are injected only while this is true (seeding data first stays clean). */
  enabled: boolean;
  close(): Promise<void>;
}

/** mulberry32: a small, seeded PRNG; Math.random cannot be replayed. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const s3ErrorBody = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

const readBody = (incoming: IncomingMessage): Promise<Buffer> =>
  new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => done(Buffer.concat(chunks)));
    incoming.on('error', fail);
  });

/**
 * An HTTP proxy in front of an S3 store that, on a seeded share of requests, answers 500
 * InternalError or 503 SlowDown without forwarding, resets the connection without
 * forwarding, or forwards the request (so the store applies it) and then resets the
 * connection instead of replying. Headers, including Host, pass unchanged, so SigV4
 * signatures made for the proxy's address still verify at the store.
 */
export const startFaultProxy = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const random = seededRandom(options.seed);
  const [host = '127.0.0.1', port = '80'] = options.target.split(':');
  const upstream = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts: Record<FaultKind | 'forwarded', number> = {
    internalError: 0,
    slowDown: 0,
    reset: 0,
    dropReply: 0,
    forwarded: 0,
  };

  const forward = (incoming: IncomingMessage, body: Buffer): Promise<IncomingMessage> =>
    new Promise((done, fail) => {
      const outgoing = request(
        {
          host,
          port: Number(port),
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
          agent: upstream,
        },
        done,
      );
      outgoing.on('error', fail);
      outgoing.end(body);
    });

  const handle = async (incoming: IncomingMessage, reply: ServerResponse): Promise<void> => {
    const body = await readBody(incoming);
    const fault: FaultKind | undefined =
      proxy.enabled && random() < options.rate
        ? FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]
        : undefined;
    if (fault === undefined) counts.forwarded += 1;
    else counts[fault] += 1;
    switch (fault) {
      case 'internalError':
        reply.writeHead(500, { 'content-type': 'application/xml', connection: 'close' });
        reply.end(s3ErrorBody('InternalError', 'injected by the fault proxy'));
        return;
      case 'slowDown':
        reply.writeHead(503, { 'content-type': 'application/xml', connection: 'close' });
        reply.end(s3ErrorBody('SlowDown', 'injected by the fault proxy'));
        return;
      case 'reset':
        incoming.socket.resetAndDestroy();
        return;
      case 'dropReply': {
        const answer = await forward(incoming, body);
        await readBody(answer);
        incoming.socket.resetAndDestroy();
        return;
      }
      case undefined: {
        const answer = await forward(incoming, body);
        reply.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(reply);
        return;
      }
    }
  };

  const server = createServer((incoming, reply) => {
    handle(incoming, reply).catch(() => {
      if (!reply.headersSent) reply.writeHead(502).end();
      else reply.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  const proxy: FaultProxy = {
    endpoint: `127.0.0.1:${address.port}`,
    counts,
    enabled: false,
    close: () =>
      new Promise<void>((resolve) => {
        upstream.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
};
