import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  secretsManagerEndpoint,
  secretsManagerKey,
} from '../../../lambdas/secrets/secrets-manager-key.js';
import { fileSigningKey } from '../../../local/file-signing-key.js';
import { draftFailure } from '../../helpers/s3-faults.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('the Secrets Manager key source', () => {
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'session-token',
  };
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:draftstore-key-AbCdEf';
  let server: Server;
  let endpoint: string;
  let seen: Seen[];
  let answers: { status: number; body: string }[];

  beforeEach(async () => {
    seen = [];
    answers = [];
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({
          method: request.method!,
          url: request.url!,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const answer = answers.shift() ?? {
          status: 200,
          body: JSON.stringify({ SecretString: 'k'.repeat(64) }),
        };
        response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const signingConfig = () => new S3Client({ region: 'eu-west-1', credentials }).config;
  const source = () => secretsManagerKey(arn, signingConfig(), { endpoint });

  it('sends the request the AWS SDK sends: same operation, body, scope and signed essentials', async () => {
    const sdk = new SecretsManagerClient({ region: 'eu-west-1', endpoint, credentials });
    await sdk.send(new GetSecretValueCommand({ SecretId: arn }));
    await source().key();

    const [fromSdk, ours] = seen as [Seen, Seen];
    const essentials = (request: Seen) => ({
      method: request.method,
      url: request.url,
      body: JSON.parse(request.body) as unknown,
      contentType: request.headers['content-type'],
      target: request.headers['x-amz-target'],
      token: request.headers['x-amz-security-token'],
      scope: /Credential=[^/]+\/\d{8}\/([^,]+),/.exec(String(request.headers.authorization))?.[1],
    });
    expect(essentials(ours)).toEqual(essentials(fromSdk));
    expect(essentials(ours).scope).toBe('eu-west-1/secretsmanager/aws4_request');
    const signed = /SignedHeaders=([^,]+),/
      .exec(String(ours.headers.authorization))?.[1]
      ?.split(';');
    expect(signed).toEqual(
      expect.arrayContaining([
        'content-type',
        'host',
        'x-amz-date',
        'x-amz-security-token',
        'x-amz-target',
      ]),
    );
  });

  it('signs what it sends: the signature checks out over the received request', async () => {
    await source().key();
    const [request] = seen as [Seen];
    const signer = new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: 'secretsmanager',
      sha256: signingConfig().sha256,
    });
    const { host, 'content-type': type, 'x-amz-target': target } = request.headers;
    const date = String(request.headers['x-amz-date']);
    const resigned = await signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: request.url,
        query: {},
        headers: {
          host: String(host),
          'content-type': String(type),
          'x-amz-target': String(target),
        },
        body: request.body,
      },
      {
        signingDate: new Date(
          `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
        ),
      },
    );
    expect(request.headers.authorization).toBe(resigned.headers.authorization);
  });

  it('fetches the secret once and serves later calls from the cache', async () => {
    const keys = source();
    const fetched = [await keys.key(), await keys.key(), await keys.key()];

    expect(seen).toHaveLength(1);
    expect(Buffer.from(fetched[2]!).toString()).toBe('k'.repeat(64));
  });

  it('reads a binary secret (base64 in the answer)', async () => {
    const bytes = Buffer.alloc(48, 7);
    answers.push({ status: 200, body: JSON.stringify({ SecretBinary: bytes.toString('base64') }) });
    expect(Buffer.from(await source().key())).toEqual(bytes);
  });

  it('does not cache a failure, and keeps the secret name and AWS message out of the error', async () => {
    answers.push({
      status: 400,
      body: JSON.stringify({ __type: 'AccessDeniedException', Message: `not allowed on ${arn}` }),
    });
    const keys = source();

    const error = await draftFailure(keys.key());
    const key = await keys.key();

    expect([error.code, error.message, error.cause]).toEqual([
      'internal',
      'The upload token key could not be read.',
      '400 AccessDeniedException',
    ]);
    expect(JSON.stringify({ message: error.message, cause: error.cause })).not.toContain(
      'draftstore-key',
    );
    expect(key).toHaveLength(64);
    expect(seen).toHaveLength(2);
  });

  it('answers internal when the endpoint cannot be reached', async () => {
    const closed = secretsManagerKey(arn, signingConfig(), { endpoint: 'http://127.0.0.1:9' });
    const error = await draftFailure(closed.key());
    expect([error.code, error.message]).toEqual([
      'internal',
      'The upload token key could not be read.',
    ]);
  });

  it('refuses a secret shorter than 32 bytes', async () => {
    answers.push({ status: 200, body: JSON.stringify({ SecretString: 'short' }) });
    const error = await draftFailure(source().key());
    expect(error.message).toBe('The upload token key secret is empty or too short.');
  });

  it('picks the endpoint the SDK would: configured URLs first, then the partition of the region', () => {
    expect(secretsManagerEndpoint('eu-west-1', {})).toBe(
      'https://secretsmanager.eu-west-1.amazonaws.com',
    );
    expect(secretsManagerEndpoint('cn-north-1', {})).toBe(
      'https://secretsmanager.cn-north-1.amazonaws.com.cn',
    );
    expect(secretsManagerEndpoint('us-gov-west-1', { AWS_USE_FIPS_ENDPOINT: 'true' })).toBe(
      'https://secretsmanager-fips.us-gov-west-1.amazonaws.com',
    );
    expect(
      secretsManagerEndpoint('eu-west-1', {
        AWS_ENDPOINT_URL: 'http://all:1',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://secrets:2',
      }),
    ).toBe('http://secrets:2');
    expect(
      secretsManagerEndpoint('eu-west-1', {
        AWS_ENDPOINT_URL: 'http://all:1',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      }),
    ).toBe('https://secretsmanager.eu-west-1.amazonaws.com');
  });
});

describe('the local key file', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'draftstore-key-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('is generated once (mode 0600) and read back by every later source', async () => {
    const path = join(directory, 'data', '.upload-token-key');

    const [first, racing] = await Promise.all([
      fileSigningKey(path).key(),
      fileSigningKey(path).key(),
    ]);
    const later = await fileSigningKey(path).key();

    expect(first).toHaveLength(32);
    expect(Buffer.from(racing)).toEqual(Buffer.from(first));
    expect(Buffer.from(later)).toEqual(Buffer.from(first));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(Buffer.from(first).toString('base64'));
  });

  it('refuses a key file that holds too few bytes, naming the file', async () => {
    const path = join(directory, '.upload-token-key');
    await writeFile(path, 'c2hvcnQ=\n');
    await expect(fileSigningKey(path).key()).rejects.toThrow(
      `${path} holds no usable upload token key; delete it to make a new one`,
    );
  });
});
