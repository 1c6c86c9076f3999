import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  /** host:port, to use as MINIO_ENDPOINT: presigned URLs then point here. */
  readonly endpoint: string;
  /** `${method} ${path}` of every request forwarded, in order. */
  readonly requests: string[];
  /** Part PUTs (`?partNumber=`) seen so far. */
  partPuts(): number;
  /** Resolves once no forwarded request is in flight: what a killed client sent has landed or failed. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of a store that counts what clients send. It forwards the
 * Host header untouched, so SigV4 signatures made for its address stay valid.
 */
export const startCountingProxy = async (upstream: string): Promise<CountingProxy> => {
  const [host, port] = upstream.split(':');
  const requests: string[] = [];
  let inFlight = 0;
  const server: Server = createServer((incoming, outgoing) => {
    // DynamoDB names its action in a header, not the path: `POST / DynamoDB_20120810.GetItem`.
    const target = incoming.headers['x-amz-target'];
    requests.push(`${incoming.method} ${incoming.url}${target ? ` ${String(target)}` : ''}`);
    inFlight += 1;
    const forwarded = request(
      {
        host,
        port: Number(port),
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('close', () => (inFlight -= 1));
    forwarded.on('error', () => outgoing.destroy());
    incoming.on('error', () => forwarded.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${address.port}`,
    requests,
    partPuts: () => requests.filter((line) => /^PUT .*[?&]partNumber=/.test(line)).length,
    idle: async () => {
      while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
