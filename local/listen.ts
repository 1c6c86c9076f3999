import type { AddressInfo, Server } from 'node:net';

/** Starts listening (port 0 picks a free one) and answers the URL clients should use. */
export const listen = async (
  server: Server,
  host: string,
  port: number,
): Promise<{ url: string; port: number }> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${bound}`, port: bound };
};
