import { resolve } from 'node:path';
import { ConfigError, describeConfig, loadConfig } from '../lambdas/config.js';
import { startLocalRuntime } from '../local/runtime.js';
import { StartupError } from '../local/startup-error.js';
import { withLocalUsageTable } from '../local/usage-table-env.js';

/**
 * `npm start`. Without STORAGE_TYPE it runs on the embedded store; with
 * STORAGE_TYPE=minio it uses the server at MINIO_ENDPOINT (MinIO, Ceph RGW,
 * LocalStack), and with STORAGE_TYPE=s3 it uses AWS with the default credentials.
 */
const main = async (): Promise<void> => {
  const embeddedStore = (process.env.STORAGE_TYPE ?? '').trim() === '';
  const env = withLocalUsageTable(process.env);
  const config = loadConfig(embeddedStore ? { ...env, STORAGE_TYPE: 'minio' } : env);
  const webhook = (process.env.EVENT_WEBHOOK_URL ?? '').trim();
  if (webhook !== '' && !URL.canParse(webhook)) {
    throw new ConfigError('EVENT_WEBHOOK_URL must be an absolute URL.');
  }
  const runtime = await startLocalRuntime({
    config,
    embeddedStore,
    dataDirectory: resolve(process.env.DRAFTSTORE_DATA_DIR ?? '.data/s3'),
    ...(webhook && { eventWebhookUrl: webhook }),
  });
  const { minio, buckets } = runtime.config;
  const store = runtime.embeddedEndpoint
    ? `embedded S3 at http://${runtime.embeddedEndpoint} (access key ${minio.accessKey}, secret key ${minio.secretKey})`
    : config.storageType === 'minio'
      ? `S3-compatible store at ${minio.useSsl ? 'https' : 'http'}://${minio.endpoint}`
      : `AWS S3 in ${config.awsRegion}`;
  console.log(
    [
      'DraftStore is running.',
      `  API:     ${runtime.apiUrl}  (try: curl ${runtime.apiUrl}/health)`,
      `  Docs:    ${runtime.apiUrl}/docs (OpenAPI 3.1 at ${runtime.apiUrl}/openapi.json)`,
      `  draft.v1: ${runtime.grpcUrl} (gRPC, gRPC-web and Connect over h2c); Connect and gRPC-web also at ${runtime.apiUrl}/draft.v1.DraftService/`,
      `  Storage: ${store}`,
      `  Buckets: draft "${buckets.draft}", main "${buckets.main}"`,
      ...(runtime.config.usage.table
        ? [
            `  Usage:   table "${runtime.config.usage.table}" at ${runtime.embeddedDynamoDbEndpoint ? `embedded DynamoDB (dynalite) ${runtime.embeddedDynamoDbEndpoint}` : (runtime.config.usage.endpoint ?? `AWS DynamoDB in ${config.awsRegion}`)}`,
          ]
        : []),
      `  Events:  draftstore.object.confirmed as a log line${webhook ? ` and POST ${redactedUrl(webhook)}` : ' (set EVENT_WEBHOOK_URL to also POST it)'}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  if (process.env.DRAFTSTORE_DEBUG_CONFIG === 'true') console.log(describeConfig(runtime.config));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received; stopping.`);
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Failed to stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

/** Origin and path only: a webhook's query string or user info may hold its secret. */
const redactedUrl = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
};

main().catch((error: unknown) => {
  // Mistakes the user can fix are one line; anything else keeps its stack.
  const actionable = error instanceof ConfigError || error instanceof StartupError;
  console.error(actionable ? error.message : error);
  process.exit(1);
});
