import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: status, JSON body and headers. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface ScriptedApi {
  readonly url: string;
  /** Every request seen: its path, parsed JSON body and Authorization header. */
  readonly requests: { path: string; body: unknown; authorization?: string }[];
  /** Answers for a path, used in order; the last one repeats. */
  script(path: string, ...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server that answers the DraftStore routes a test scripts, with real status lines
 * and headers (`Retry-After`): for the SDK's handling of answers the local runtime does not give
 * on demand (429, scan_pending) or does not have yet.
 */
export const startScriptedApi = async (): Promise<ScriptedApi> => {
  const scripts = new Map<string, ScriptedAnswer[]>();
  const requests: ScriptedApi['requests'] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const path = request.url ?? '/';
      const { authorization } = request.headers;
      requests.push({
        path,
        body: raw ? JSON.parse(raw) : undefined,
        ...(authorization !== undefined && { authorization }),
      });
      const answers = scripts.get(path) ?? [];
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      if (!answer) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ error: { code: 'not_found', message: `No route ${path}.` } }),
        );
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (path, ...answers) => scripts.set(path, answers),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
