import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseArn, partition } from '@aws-sdk/core/client';
import { SignatureV4 } from '@smithy/signature-v4';
import { DraftError } from '../core/errors.js';
import { MIN_SIGNING_KEY_BYTES, type SigningKeySource } from '../core/signing-key.js';

/** How to sign: the S3 client's own credential chain and hash, so nothing is resolved twice. */
export type SigningConfig = Pick<S3Client['config'], 'credentials' | 'sha256'>;

export interface SecretsManagerKeyOptions {
  /** Where GetSecretValue goes. @default the SDK's rules: AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL, else the region's (FIPS with AWS_USE_FIPS_ENDPOINT) */
  readonly endpoint?: string;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

const TARGET = 'secretsmanager.GetSecretValue';
const JSON_1_1 = 'application/x-amz-json-1.1';

/** The endpoint the AWS SDK would pick for Secrets Manager in this region. */
export const secretsManagerEndpoint = (
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): string => {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') {
    const configured = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
    if (configured) return configured;
  }
  const fips = env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : '';
  return `https://secretsmanager${fips}.${region}.${partition(region).dnsSuffix}`;
};

const readAll = async (response: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** One signed POST; answers the status and the body text. */
const post = (
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; text: string }> =>
  new Promise((resolve, reject) => {
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = send(url, { method: 'POST', headers, timeout: timeoutMs }, (response) => {
      readAll(response).then((text) => resolve({ status: response.statusCode ?? 0, text }), reject);
    });
    req.on('timeout', () => req.destroy(new Error('GetSecretValue timed out')));
    req.on('error', reject);
    req.end(body);
  });

const keyBytesOf = (text: string): Uint8Array | undefined => {
  const answer = JSON.parse(text) as { SecretString?: unknown; SecretBinary?: unknown };
  if (typeof answer.SecretString === 'string') return new TextEncoder().encode(answer.SecretString);
  if (typeof answer.SecretBinary === 'string') return Buffer.from(answer.SecretBinary, 'base64');
  return undefined;
};

/**
 * The upload-token key from a Secrets Manager secret (the stack creates it): one
 * GetSecretValue per cold start, cached for the life of the instance, and a failed fetch
 * is not cached, so the next request tries again. The secret's value is never logged or
 * put in an error message.
 *
 * Not Powertools parameters over the Secrets Manager client: those two add about 23 KiB
 * (minified) to each of the six bundles that read the key, for one call per cold start,
 * and push the Connect bundle past its size budget. This is that one call, signed with the
 * SigV4 signer and the credential chain the S3 client already carries.
 */
export const secretsManagerKey = (
  secretArn: string,
  signing: SigningConfig,
  options: SecretsManagerKeyOptions = {},
): SigningKeySource => {
  const region = parseArn(secretArn)?.region || process.env.AWS_REGION || 'us-east-1';
  const endpoint = new URL(options.endpoint ?? secretsManagerEndpoint(region));
  const signer = new SignatureV4({
    credentials: signing.credentials,
    region,
    service: 'secretsmanager',
    sha256: signing.sha256,
  });
  const body = JSON.stringify({ SecretId: secretArn });

  const fetchKey = async (): Promise<Uint8Array> => {
    let answer: { status: number; text: string };
    try {
      const signed = await signer.sign({
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        ...(endpoint.port && { port: Number(endpoint.port) }),
        path: endpoint.pathname,
        query: {},
        headers: { host: endpoint.host, 'content-type': JSON_1_1, 'x-amz-target': TARGET },
        body,
      });
      answer = await post(endpoint, signed.headers, body, options.timeoutMs ?? 5000);
    } catch (error) {
      throw new DraftError('internal', 'The upload token key could not be read.', {
        cause: error instanceof Error ? error.name : 'unknown',
      });
    }
    if (answer.status !== 200) {
      // The error type only (e.g. AccessDeniedException): AWS messages name the secret.
      let type = 'unknown';
      try {
        type = String((JSON.parse(answer.text) as { __type?: unknown }).__type ?? type);
      } catch {
        // Not JSON: a proxy's page, say.
      }
      throw new DraftError('internal', 'The upload token key could not be read.', {
        cause: `${answer.status} ${type.split('#').at(-1)}`,
      });
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = keyBytesOf(answer.text);
    } catch {
      bytes = undefined;
    }
    if (bytes === undefined || bytes.length < MIN_SIGNING_KEY_BYTES) {
      throw new DraftError('internal', 'The upload token key secret is empty or too short.');
    }
    return bytes;
  };

  let cached: Promise<Uint8Array> | undefined;
  return {
    key: () => {
      cached ??= fetchKey().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
  };
};
