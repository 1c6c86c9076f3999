import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DraftError } from '../core/errors.js';
import { MIN_SIGNING_KEY_BYTES, type SigningKeySource } from '../core/signing-key.js';

/** The key never changes while a function instance lives: cache it for good (seconds). */
const FOR_THE_INSTANCE = 365 * 24 * 3600;

/**
 * The upload-token key from a Secrets Manager secret (the stack creates it), fetched on
 * first use and cached by Powertools for the life of the instance: one GetSecretValue per
 * cold start. A failed fetch is not cached, so the next request tries again. The secret's
 * value is never logged or put in an error message.
 */
export const secretsManagerKey = (
  secretId: string,
  client?: SecretsManagerClient,
): SigningKeySource => {
  const provider = new SecretsProvider(client ? { awsSdkV3Client: client } : {});
  return {
    key: async () => {
      let value: string | Uint8Array | undefined;
      try {
        value = await provider.get(secretId, { maxAge: FOR_THE_INSTANCE });
      } catch (error) {
        throw new DraftError('internal', 'The upload token key could not be read.', {
          cause: error instanceof Error ? error.name : 'unknown',
        });
      }
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
      if (bytes === undefined || bytes.length < MIN_SIGNING_KEY_BYTES) {
        throw new DraftError('internal', 'The upload token key secret is empty or too short.');
      }
      return bytes;
    },
  };
};
