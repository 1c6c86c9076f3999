import { composeServices, type ComposeOptions, type Services } from './compose.js';
import { loadConfig } from './config.js';
import { secretsManagerKey } from './secrets/secrets-manager-key.js';
import { UPLOAD_TOKEN_SECRET_ENV } from './secrets/upload-token-secret-env.js';
import { createS3Client } from './storage/s3-client.js';

let composed: Services | undefined;

/**
 * The multipart functions' services: the usual ones plus the upload-token key from Secrets
 * Manager. Kept apart from environmentServices so that only these functions carry the
 * secret's reader, and only they are allowed to read the secret.
 */
export const multipartEnvironmentServices = (
  options: Pick<ComposeOptions, 'checks' | 'usage'> = {},
): Services => {
  if (composed) return composed;
  const config = loadConfig();
  const client = createS3Client(config);
  const secretArn = process.env[UPLOAD_TOKEN_SECRET_ENV]?.trim();
  composed = composeServices(config, {
    client,
    ...options,
    ...(secretArn && { signingKey: secretsManagerKey(secretArn, client.config) }),
  });
  return composed;
};
