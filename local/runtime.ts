import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../lambdas/config.js';
import { composeServices, type Services } from '../lambdas/compose.js';
import { confirmChecks } from '../lambdas/inspection/confirm-checks.js';
import { composeCleaner } from '../lambdas/compose-cleaner.js';
import { composeUsage } from '../lambdas/compose-usage.js';
import { ensureUsageTable } from '../lambdas/storage/usage-table-setup.js';
import { allPublishers, logPublisher } from '../lambdas/events/log-publisher.js';
import { webhookPublisher } from '../lambdas/events/webhook-publisher.js';
import { logger } from '../lambdas/observability/logger.js';
import { ensureBucket, s3BucketCreator } from '../lambdas/storage/s3-bucket-setup.js';
import type { MultipartCopyOptions } from '../lambdas/storage/s3-part-copy.js';
import { s3FormPresigner } from '../lambdas/storage/s3-form-presigner.js';
import { requireAwsCredentials } from './aws-credentials.js';
import { startCleanupTimer, type CleanupTimer } from './cleanup-timer.js';
import {
  createLocalConnectHandler,
  startLocalConnectServer,
  type LocalConnectServer,
} from './connect-server.js';
import { startEmbeddedS3, type EmbeddedS3 } from './embedded-s3.js';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from './embedded-dynamodb.js';
import { fileSigningKey } from './file-signing-key.js';
import { EMBEDDED_MAX_SEGMENT_BYTES, EMBEDDED_RESERVED_MARKER } from './embedded-s3-files.js';
import { startLocalHttpServer, type LocalHttpServer } from './http-server.js';
import { LOCAL_CORS_ORIGINS } from './local-origins.js';
import { requireFreePort } from './listen.js';

/** The upload token key's file name under the data folder. */
export const UPLOAD_TOKEN_KEY_FILE = '.upload-token-key';
/** The embedded DynamoDB's folder under the data folder (a dot-name: never taken for a bucket). */
export const USAGE_TABLE_DIRECTORY = '.dynamodb';
/** Where a running runtime leaves its embedded DynamoDB's URL, for `npm run usage`. */
export const DYNAMODB_ENDPOINT_FILE = '.dynamodb-endpoint';

export interface LocalRuntimeOptions {
  readonly config: Config;
  /** Start the embedded store on MINIO_ENDPOINT, or use the configured store as it is. */
  readonly embeddedStore: boolean;
  /** Where the embedded store keeps its files (and, by default, the upload token key). */
  readonly dataDirectory: string;
  /**
   * The file holding the key that signs multipart upload tokens, generated on first use.
   * Runtimes that share it accept each other's tokens.
   * @default `<dataDirectory>/.upload-token-key` (a dot-name: never taken for a bucket)
   */
  readonly signingKeyFile?: string;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default true */
  readonly emulateJwtAuthorizer?: boolean;
  readonly clock?: () => Date;
  /**
   * How often to sweep expired drafts, as the deployed schedule does; 0 disables it.
   * @default config.cleanupIntervalSeconds * 1000 (CLEANUP_INTERVAL)
   */
  readonly cleanupIntervalMs?: number;
  /** When and how confirm copies large drafts in parts. @default DEFAULT_MULTIPART_COPY */
  readonly multipartCopy?: MultipartCopyOptions;
  /** EVENT_WEBHOOK_URL: also POST each `draftstore.object.confirmed` event here. */
  readonly eventWebhookUrl?: string;
  /** Retries of the webhook (attempts, first delay). @default webhookPublisher's */
  readonly eventWebhookRetry?: { readonly attempts: number; readonly firstDelayMs: number };
}

export interface LocalRuntime {
  readonly apiUrl: string;
  /** draft.v1 over cleartext HTTP/2 (gRPC, gRPC-web, Connect) on GRPC_PORT; also on apiUrl over HTTP/1.1. */
  readonly grpcUrl: string;
  /** The bound GRPC_PORT (useful when it was 0). */
  readonly grpcPort: number;
  readonly config: Config;
  readonly services: Services;
  /** host:port of the embedded store, when one was started. */
  readonly embeddedEndpoint?: string;
  /** The embedded DynamoDB's URL, when the usage table needed one (see withLocalUsageTable). */
  readonly embeddedDynamoDbEndpoint?: string;
  stop(): Promise<void>;
}

/** `npm start`: the Lambda handlers behind one local HTTP server, on an embedded or external store. */
export const startLocalRuntime = async (options: LocalRuntimeOptions): Promise<LocalRuntime> => {
  const host = options.host ?? '127.0.0.1';
  let config = options.config;
  let store: EmbeddedS3 | undefined;
  if (options.embeddedStore) {
    await mkdir(options.dataDirectory, { recursive: true });
    const [storeHost = 'localhost', storePort = '9000'] = config.minio.endpoint.split(':');
    await requireFreePort(storeHost, Number(storePort), 'MINIO_ENDPOINT');
    store = await startEmbeddedS3({
      host: storeHost,
      port: Number(storePort),
      directory: options.dataDirectory,
      buckets: [config.buckets.draft, config.buckets.main],
      accessKey: config.minio.accessKey,
      secretKey: config.minio.secretKey,
    });
    config = {
      ...config,
      storageType: 'minio',
      minio: { ...config.minio, endpoint: store.endpoint, useSsl: false },
    };
  }
  // The usage table on an S3-compatible store: dynalite under the data folder, unless
  // DYNAMODB_ENDPOINT names another endpoint. Not started when nothing needs the table.
  let dynamo: EmbeddedDynamoDb | undefined;
  if (
    config.usage.table !== undefined &&
    config.usage.endpoint === undefined &&
    config.storageType === 'minio'
  ) {
    const directory = join(options.dataDirectory, USAGE_TABLE_DIRECTORY);
    await mkdir(directory, { recursive: true });
    try {
      dynamo = await startEmbeddedDynamoDb({ host, port: 0, directory });
    } catch (error) {
      await store?.close();
      throw error;
    }
    config = { ...config, usage: { ...config.usage, endpoint: dynamo.endpoint } };
    // LevelDB admits one process: `npm run usage` meanwhile talks to this one.
    await writeFile(join(options.dataDirectory, DYNAMODB_ENDPOINT_FILE), dynamo.endpoint);
  }
  const services = composeServices(config, {
    usage: composeUsage,
    forms: s3FormPresigner,
    cleaner: composeCleaner,
    checks: confirmChecks,
    ...(options.clock && { clock: options.clock }),
    bucketCreator: s3BucketCreator({ corsOrigins: LOCAL_CORS_ORIGINS }),
    signingKey: fileSigningKey(
      options.signingKeyFile ?? join(options.dataDirectory, UPLOAD_TOKEN_KEY_FILE),
    ),
    ...(options.multipartCopy && { multipartCopy: options.multipartCopy }),
    // The API refuses up front what the embedded store could not keep on disk.
    ...(store && {
      names: {
        maxSegmentBytes: EMBEDDED_MAX_SEGMENT_BYTES,
        reservedSubstrings: [EMBEDDED_RESERVED_MARKER],
      },
    }),
    // As S3 does for the deployed stack, every confirm emits draftstore.object.confirmed.
    events: options.eventWebhookUrl
      ? allPublishers(
          logPublisher(logger),
          webhookPublisher({ url: options.eventWebhookUrl, ...options.eventWebhookRetry }),
        )
      : logPublisher(logger),
  });
  const rpcOptions = {
    resolve: () => services,
    multipart: () => services.multipart,
    emulateJwtAuthorizer: options.emulateJwtAuthorizer ?? true,
  };
  let http: LocalHttpServer | undefined;
  let rpc: LocalConnectServer | undefined;
  try {
    if (config.storageType === 's3') await requireAwsCredentials(services.client);
    // Off AWS the runtime provisions the table, as it does the buckets.
    if (services.usage && config.usage.endpoint !== undefined) {
      await ensureUsageTable(services.usage.table.client, services.usage.table.table);
    }
    if (!store && config.storageType === 'minio') {
      for (const bucket of [config.buckets.draft, config.buckets.main]) {
        await ensureBucket(services.client, bucket, { corsOrigins: LOCAL_CORS_ORIGINS });
      }
    }
    http = await startLocalHttpServer({
      host,
      port: config.httpPort,
      resolve: () => services,
      emulateJwtAuthorizer: options.emulateJwtAuthorizer ?? true,
      connectHandler: createLocalConnectHandler(rpcOptions),
    });
    rpc = await startLocalConnectServer({ ...rpcOptions, host, port: config.grpcPort });
  } catch (error) {
    await http?.close();
    services.client.destroy();
    services.usage?.table.client.destroy();
    await dynamo?.close();
    await store?.close();
    throw error;
  }
  const server = http;
  const grpc = rpc;
  const cleanupIntervalMs = options.cleanupIntervalMs ?? config.cleanupIntervalSeconds * 1000;
  const cleanup: CleanupTimer | undefined =
    cleanupIntervalMs > 0
      ? startCleanupTimer({ cleaner: services.cleaner, intervalMs: cleanupIntervalMs })
      : undefined;
  return {
    apiUrl: server.url,
    grpcUrl: grpc.url,
    grpcPort: grpc.port,
    config,
    services,
    ...(store && { embeddedEndpoint: store.endpoint }),
    ...(dynamo && { embeddedDynamoDbEndpoint: dynamo.endpoint }),
    stop: async () => {
      await cleanup?.stop();
      await server.close();
      await grpc.close();
      services.client.destroy();
      services.usage?.table.client.destroy();
      await dynamo?.close();
      await store?.close();
    },
  };
};
