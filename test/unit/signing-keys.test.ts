import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { secretsManagerKey } from '../../lambdas/secrets/secrets-manager-key.js';
import { fileSigningKey } from '../../local/file-signing-key.js';
import { draftFailure } from '../helpers/s3-faults.js';

describe('the Secrets Manager key source', () => {
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(() => secrets.reset());

  it('fetches the secret once and serves later calls from the cache', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'k'.repeat(64) });
    const source = secretsManagerKey('arn:secret:one', new SecretsManagerClient({}));

    const keys = [await source.key(), await source.key(), await source.key()];

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: 'arn:secret:one',
    });
    expect(Buffer.from(keys[2]!).toString()).toBe('k'.repeat(64));
  });

  it('does not cache a failure, and never puts the cause text in the message', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(
        Object.assign(new Error('AccessDenied for arn:secret:two'), { name: 'AccessDenied' }),
      )
      .resolves({ SecretString: 'k'.repeat(64) });
    const source = secretsManagerKey('arn:secret:two', new SecretsManagerClient({}));

    const error = await draftFailure(source.key());
    const key = await source.key();

    expect([error.code, error.message]).toEqual([
      'internal',
      'The upload token key could not be read.',
    ]);
    expect(key).toHaveLength(64);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a secret shorter than 32 bytes', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'short' });
    const error = await draftFailure(
      secretsManagerKey('arn:secret:three', new SecretsManagerClient({})).key(),
    );
    expect(error.message).toBe('The upload token key secret is empty or too short.');
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
