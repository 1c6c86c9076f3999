import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lambdas/config.js';
import { composeServices } from '../../lambdas/compose.js';
import { isDraftError } from '../../lambdas/core/errors.js';
import { startLocalRuntime } from '../../local/runtime.js';
import { StartupError } from '../../local/startup-error.js';
import { startTestRuntime } from '../helpers/local-runtime.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A port something else is listening on. */
const occupyPort = async (): Promise<{ server: Server; port: number }> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
};

const failureOf = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it started');
};

describe('npm start explains, in one line, why it cannot start', () => {
  let busy: { server: Server; port: number };

  beforeAll(async () => {
    busy = await occupyPort();
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.server.close(resolve));
  });

  it.each([
    ['HTTP_PORT', () => ({ HTTP_PORT: String(busy.port) })],
    ['GRPC_PORT', () => ({ GRPC_PORT: String(busy.port) })],
    ['MINIO_ENDPOINT', () => ({ MINIO_ENDPOINT: `127.0.0.1:${busy.port}` })],
  ])('names %s when its port is in use', async (variable, env) => {
    const error = await failureOf(startTestRuntime(env()));

    expect(error).toBeInstanceOf(StartupError);
    expect(error.message).toBe(
      `Port ${busy.port} on 127.0.0.1 is already in use (${variable}): stop the process using it, or set ${variable} to a free port.`,
    );
  });

  it('prints that line alone, without a stack trace, and exits 1', async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-busy-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HTTP_PORT: String(busy.port),
      GRPC_PORT: '0',
      MINIO_ENDPOINT: '127.0.0.1:0',
      CLEANUP_INTERVAL: '0',
      DRAFTSTORE_DATA_DIR: dataDirectory,
      NODE_OPTIONS: '--openssl-legacy-provider',
    };
    delete env.STORAGE_TYPE;

    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          join(ROOT, 'node_modules', '.bin', 'tsx'),
          ['bin/local.ts'],
          { cwd: ROOT, env, timeout: 60_000 },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        );
      },
    );
    await rm(dataDirectory, { recursive: true, force: true });

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `Port ${busy.port} on 127.0.0.1 is already in use (HTTP_PORT): stop the process using it, or set HTTP_PORT to a free port.\n`,
    });
  }, 90_000);
});

describe('STORAGE_TYPE=s3 without AWS credentials', () => {
  const saved = { ...process.env };
  const config = () =>
    loadConfig({ STORAGE_TYPE: 's3', AWS_REGION: 'eu-west-1', HTTP_PORT: '0', GRPC_PORT: '0' });

  beforeAll(() => {
    // Nothing the SDK's default chain could find: no keys, no profile, no files, no IMDS.
    for (const name of Object.keys(process.env)) {
      if (/^AWS_/.test(name)) delete process.env[name];
    }
    process.env.AWS_CONFIG_FILE = join(ROOT, 'no-such-aws-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(ROOT, 'no-such-aws-credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
  });
  afterAll(() => {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, saved);
  });

  it('stops npm start with what to set, not "Storage failed unexpectedly"', async () => {
    const error = await failureOf(
      startLocalRuntime({ config: config(), embeddedStore: false, dataDirectory: tmpdir() }),
    );

    expect(error).toBeInstanceOf(StartupError);
    expect(error.message).toMatch(
      /^No AWS credentials found for STORAGE_TYPE=s3 \(the AWS SDK: "[^"]+"\): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "aws sso login"; or unset STORAGE_TYPE to use the embedded store\.$/,
    );
  });

  it('answers a request with 503 storage_unavailable that says the credentials are missing', async () => {
    const services = composeServices(config());

    const error = await failureOf(
      services.drafts.downloadUrl({ owner: 'anonymous' }, { objectName: 'a.txt' }),
    );
    services.client.destroy();

    expect(isDraftError(error) && error.code).toBe('storage_unavailable');
    expect(error.message).toMatch(
      /^Storage is unavailable \(.+\): the service has no credentials for it\.$/,
    );
  });
});
