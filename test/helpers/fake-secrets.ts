import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the two ways a function may read a Secrets Manager secret, on one loopback
 * port: the GetSecretValue API (for the SDK, via AWS_ENDPOINT_URL_SECRETS_MANAGER) and the
 * AWS Parameters and Secrets Lambda extension's local HTTP interface (GET
 * /secretsmanager/get?secretId=..., X-Aws-Parameters-Secrets-Token = AWS_SESSION_TOKEN, via
 * PARAMETERS_SECRETS_EXTENSION_HTTP_PORT). Both answer GetSecretValue's JSON.
 */
export interface FakeSecrets {
  /** The variables that point a function at this server instead of AWS. */
  readonly environment: Readonly<Record<string, string>>;
  /** How many reads each secret got. */
  readonly reads: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

const send = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
};

const bodyOf = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

export const startFakeSecrets = async (
  secrets: Readonly<Record<string, string>>,
  sessionToken = 'fake-session-token',
): Promise<FakeSecrets> => {
  const reads = new Map<string, number>();
  const answer = (response: ServerResponse, secretId: string | null | undefined) => {
    const value = secretId === null || secretId === undefined ? undefined : secrets[secretId];
    if (value === undefined) {
      send(response, 400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
      return;
    }
    reads.set(secretId!, (reads.get(secretId!) ?? 0) + 1);
    send(response, 200, {
      ARN: secretId,
      Name: secretId!.split(':').at(-1),
      SecretString: value,
      VersionId: '00000000-0000-0000-0000-000000000001',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1_700_000_000,
    });
  };
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (request.method === 'GET' && url.pathname === '/secretsmanager/get') {
        if (request.headers['x-aws-parameters-secrets-token'] !== sessionToken) {
          send(response, 401, { message: 'missing or wrong X-Aws-Parameters-Secrets-Token' });
          return;
        }
        answer(response, url.searchParams.get('secretId'));
        return;
      }
      if (request.headers['x-amz-target'] === 'secretsmanager.GetSecretValue') {
        const { SecretId } = JSON.parse(await bodyOf(request)) as { SecretId?: string };
        answer(response, SecretId);
        return;
      }
      send(response, 400, { __type: 'UnknownOperationException', message: request.url });
    })().catch((error: unknown) => send(response, 500, { message: String(error) }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    environment: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      AWS_SESSION_TOKEN: sessionToken,
    },
    reads,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
};
