import { composeServices, type Services } from './compose.js';
import { loadConfig } from './config.js';
import { secretsManagerKey } from './secrets/secrets-manager-key.js';

/** Names the Secrets Manager secret whose value signs upload tokens; the stack sets it. */
export const UPLOAD_TOKEN_SECRET_ENV = 'UPLOAD_TOKEN_SECRET_ARN';

let composed: Services | undefined;

/**
 * The multipart functions' services: the usual ones plus the upload-token key from Secrets
 * Manager. Kept apart from environmentServices so that only these functions bundle the
 * Secrets Manager client, and only they are allowed to read the secret.
 */
export const multipartEnvironmentServices = (): Services => {
  if (composed) return composed;
  const secretId = process.env[UPLOAD_TOKEN_SECRET_ENV]?.trim();
  composed = composeServices(loadConfig(), {
    ...(secretId && { signingKey: secretsManagerKey(secretId) }),
  });
  return composed;
};
