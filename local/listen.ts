import { createServer, type AddressInfo, type Server } from 'node:net';
import { explainListenError } from './startup-error.js';

/**
 * Starts listening (port 0 picks a free one) and answers the URL clients should use.
 * A port in use is a StartupError that names `variable`, the setting that chose it.
 */
export const listen = async (
  server: Server,
  host: string,
  port: number,
  variable: string,
): Promise<{ url: string; port: number }> => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(explainListenError(error, { host, port, variable })));
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${bound}`, port: bound };
};

/**
 * Fails with listen's StartupError when `port` is taken. For servers that report a
 * taken port as an unhandled 'error' event rather than a failure (the embedded store's).
 */
export const requireFreePort = async (host: string, port: number, variable: string) => {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, host, port, variable);
  await new Promise((resolve) => probe.close(resolve));
};
