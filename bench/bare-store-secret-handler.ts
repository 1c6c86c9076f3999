import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { runAnchor, type StoreAnchorEvent } from './bare-store-handler.js';

// P2's fair anchor for a function that also reads a Secrets Manager secret on its first
// call (the multipart functions' upload-token key): the same read with a plain client.
const secrets = new SecretsManagerClient({});

export const handler = async (event: StoreAnchorEvent) => {
  const read = () => secrets.send(new GetSecretValueCommand({ SecretId: event.secretArn }));
  if (event.secretWithFirstGroup) return runAnchor(event, read);
  await read();
  return runAnchor(event);
};
