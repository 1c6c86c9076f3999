import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { withKeyLock } from './keyed-lock.js';
import { signingHeaders, transactWriteItems } from './embedded-dynamodb-transactions.js';

export interface EmbeddedDynamoDbOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Where its LevelDB files live; in memory when absent. */
  readonly directory?: string;
}

export interface EmbeddedDynamoDb {
  /** http://host:port, as DYNAMODB_ENDPOINT expects it. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** Marks dynalite's calls to itself, which run inside the request that holds the lock. */
const INTERNAL = 'x-draftstore-internal';
const TRANSACT = 'DynamoDB_20120810.TransactWriteItems';

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/**
 * The embedded DynamoDB of the local runtime and the tests: dynalite (LevelDB) with
 * TransactWriteItems added. Every request runs alone, in arrival order: that makes a
 * transaction atomic and isolated here, and costs nothing at local rates. A development
 * store: it checks no signatures.
 */
export const startEmbeddedDynamoDb = async (
  options: EmbeddedDynamoDbOptions,
): Promise<EmbeddedDynamoDb> => {
  const server = dynalite({
    ...(options.directory !== undefined && { path: options.directory }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const [dynaliteHandler] = server.listeners('request') as ((
    request: IncomingMessage,
    response: ServerResponse,
  ) => void)[];
  server.removeAllListeners('request');
  let endpoint = '';
  const keySchemas = new Map<string, Record<string, unknown>>();

  const served = (request: IncomingMessage, response: ServerResponse) =>
    new Promise<void>((resolve) => {
      response.once('close', resolve);
      dynaliteHandler!(request, response);
    });

  const transact = async (request: IncomingMessage, response: ServerResponse) => {
    const headers = signingHeaders(request.headers);
    const answer = await transactWriteItems(
      JSON.parse(await readBody(request)),
      async (op, body) => {
        const reply = await fetch(endpoint, {
          method: 'POST',
          headers: {
            ...headers,
            [INTERNAL]: '1',
            'content-type': 'application/x-amz-json-1.0',
            'x-amz-target': `DynamoDB_20120810.${op}`,
          },
          body: JSON.stringify(body),
        });
        return { status: reply.status, json: (await reply.json()) as Record<string, unknown> };
      },
      keySchemas,
    );
    response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(answer.json));
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers[INTERNAL] === '1') {
      dynaliteHandler!(request, response);
      return;
    }
    const work =
      request.headers['x-amz-target'] === TRANSACT
        ? () => transact(request, response)
        : () => served(request, response);
    withKeyLock(`dynamodb:${endpoint}`, work).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  endpoint = `http://${host}:${port}`;
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeIdleConnections();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};
