import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingProxy {
  /** http://host:port to use as the API URL. */
  readonly url: string;
  /** Resolves once the server has answered a held request (the answer stays with the proxy). */
  held(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of the API that lets the server act on the first request whose path
 * matches `hold` but never passes its answer on (later ones pass): a client killed while it waits is a client killed
 * after the server did the work and before the client heard of it.
 */
export const startHoldingProxy = async (target: string, hold: RegExp): Promise<HoldingProxy> => {
  const upstream = new URL(target);
  let release: () => void = () => undefined;
  let holding = false;
  const held = new Promise<void>((resolve) => (release = resolve));
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = request(
      {
        host: upstream.hostname,
        port: Number(upstream.port),
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        if (!holding && hold.test(incoming.url ?? '')) {
          holding = true;
          // Read to the end, so the server is done with it, then keep it.
          answer.resume();
          answer.on('end', () => release());
          return;
        }
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.on('error', () => forwarded.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    held: () => held,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
