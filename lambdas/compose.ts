import type { S3Client } from '@aws-sdk/client-s3';
import { loadConfig, type Config } from './config.js';
import type { Cleaner } from './core/cleaner.js';
import type { UsageParts } from './compose-usage.js';
import type { ConfirmCheck } from './core/checks/confirm-check.js';
import type { CleanScans } from './core/checks/malware-check.js';
import type { ObjectTags } from './core/checks/guardduty-check.js';
import type { ConfirmationEvents } from './core/confirmation-events.js';
import type { FormPresigner } from './core/form-presigner.js';
import { DraftService } from './core/draft-service.js';
import { ObjectCatalog } from './core/object-catalog.js';
import { DraftError } from './core/errors.js';
import { MultipartService } from './core/multipart-service.js';
import type { SigningKeySource } from './core/signing-key.js';
import { UploadTokens } from './core/upload-token.js';
import { UsageAccounts } from './core/usage-accounts.js';
import type { NamePolicy } from './core/object-name.js';
import { createS3Client } from './storage/s3-client.js';
import { S3MultipartStore } from './storage/s3-multipart-store.js';
import { S3ObjectStore, type BucketCreator } from './storage/s3-object-store.js';
import type { MultipartCopyOptions } from './storage/s3-part-copy.js';
import { probePartCopySourceDecoding } from './storage/part-copy-source-probe.js';

/** Everything an entry point needs, built once from the configuration. */
export interface Services {
  readonly config: Config;
  readonly client: S3Client;
  readonly store: S3ObjectStore;
  readonly drafts: DraftService;
  /** What an owner has stored: details, listings, deletion. */
  readonly objects: ObjectCatalog;
  /** Client-driven multipart uploads into the draft bucket. */
  readonly multipart: MultipartService;
  /**
   * Sweeps expired drafts out of the draft bucket, and abandoned copies out of main. Only
   * what runs the sweep composes a real one (ComposeOptions.cleaner).
   */
  readonly cleaner: Sweeper;
  /**
   * What lives in the usage table (USAGE_TABLE), when the table is configured and the
   * entry point composed it (ComposeOptions.usage).
   */
  readonly usage?: UsageParts;
  /** Per-owner usage and quotas; measured from main when no usage table is composed. */
  readonly accounts: UsageAccounts;
}

/** The part of Cleaner that entry points use. */
export type Sweeper = Pick<Cleaner, 'sweep'>;

/** What a cleaner is built from: see lambdas/compose-cleaner.ts. */
export interface CleanerParts {
  readonly config: Config;
  readonly store: S3ObjectStore;
  readonly clock?: () => Date;
}

export interface ComposeOptions {
  readonly client?: S3Client;
  readonly clock?: () => Date;
  /**
   * Creates missing buckets on S3-compatible stores (s3BucketCreator, with the CORS origins
   * to set up). Only what may provision buckets passes one: in AWS the stack owns them.
   * @default undefined: on STORAGE_TYPE=minio, ensureBuckets fails as `internal`
   */
  readonly bucketCreator?: (client: S3Client) => BucketCreator;
  /** When and how the S3 adapter copies large drafts in parts. @default DEFAULT_MULTIPART_COPY */
  readonly multipartCopy?: MultipartCopyOptions;
  /**
   * The key that signs multipart upload tokens. Without one, multipart calls fail (500,
   * logged): only the multipart functions are given a key.
   */
  readonly signingKey?: SigningKeySource;
  /**
   * What names the store can hold, when it holds less than S3 (the embedded store).
   * @default DEFAULT_NAME_POLICY (255-byte segments: AWS S3, Ceph RGW, MinIO)
   */
  readonly names?: NamePolicy;
  /**
   * Builds the presigner of form uploads. Only what serves upload-form passes one: every
   * bundle that imports @aws-sdk/s3-presigned-post carries it, and esbuild inlines a
   * dynamic import too.
   * @default undefined: DraftService.uploadForm fails as `internal`
   */
  readonly forms?: (client: S3Client) => FormPresigner;
  /**
   * Builds the sweeper. Only what sweeps passes one (the cleanup function, the local
   * runtime and CLI), so the sweep's code stays out of the other bundles.
   * @default undefined: sweep() fails as `internal`
   */
  readonly cleaner?: (parts: CleanerParts) => Sweeper;
  /**
   * Builds what lives in the usage table: lambdas/compose-usage.ts's composeUsage. Only the
   * functions that use the table pass it, so the DynamoDB client stays out of the others.
   * @default undefined: no usage table
   */
  readonly usage?: (config: Config) => UsageParts | undefined;
  /** Where confirmations are published. @default none: in AWS, S3's EventBridge events are them */
  readonly events?: ConfirmationEvents;
  /**
   * Builds confirm's checks of a draft's bytes (lambdas/inspection/confirm-checks.ts). Only
   * what confirms passes one, so the detection libraries stay out of the other bundles.
   * @default undefined: confirm checks only size and declared type
   */
  readonly checks?: (
    config: Config,
    stores: { cleanScans: CleanScans; tags: ObjectTags },
  ) => readonly ConfirmCheck[];
}

const NO_SIGNING_KEY: SigningKeySource = {
  key: () =>
    Promise.reject(
      new DraftError('internal', 'No upload token key is configured for this function.'),
    ),
};

const NO_CLEANER: Sweeper = {
  sweep: () =>
    Promise.reject(new DraftError('internal', 'This service was composed without the sweep.')),
};

/** The composition root: configuration → S3 client → store → domain services. */
export const composeServices = (config: Config, options: ComposeOptions = {}): Services => {
  const client = options.client ?? createS3Client(config);
  const store = new S3ObjectStore(client, options.bucketCreator?.(client), options.multipartCopy, {
    // The setting overrides; else an S3-compatible store is asked once (a wrong guess makes
    // `%` keys 404, or aborts radosgw); AWS decodes once.
    partCopySourceDecodedTwice:
      config.partCopySourceDecodedTwice ??
      (config.storageType === 'minio' ? probePartCopySourceDecoding : false),
    // AWS documents conditional deletes; other stores may ignore them without an error.
    probeConditionalDeletes: config.storageType === 'minio',
  });
  const usage = options.usage?.(config);
  const accounts = new UsageAccounts({
    ...(usage && { ledger: usage.ledger }),
    store,
    mainBucket: config.buckets.main,
    defaults: {
      bytes: config.usage.quotaBytes ?? null,
      objects: config.usage.quotaObjects ?? null,
    },
  });
  // Without a ledger nothing is charged: confirm and delete make no extra request.
  const keeping = accounts.keeping ? { accounts } : {};
  const drafts = new DraftService({
    ...keeping,
    store,
    ...(options.forms && { forms: options.forms(client) }),
    buckets: config.buckets,
    policy: {
      maxUploadBytes: config.maxUploadBytes,
      allowedContentTypes: config.allowedContentTypes,
    },
    ...(options.names && { names: options.names }),
    uploadTtlSeconds: config.uploadTtlSeconds,
    downloadTtlSeconds: config.downloadTtlSeconds,
    inlineContentTypes: config.inlineContentTypes,
    // On AWS the CDK stack owns the buckets; S3-compatible stores get them on demand.
    bucketProvisioning: config.storageType === 'minio' ? 'create' : 'verify',
    ...(options.clock && { clock: options.clock }),
    ...(options.events && { events: options.events }),
    ...(options.checks && {
      checks: { list: options.checks(config, { cleanScans: store, tags: store }), bytes: store },
    }),
    // With confirm's checks on, refusals are recorded as tags and download-url reads them.
    ...((config.contentSniffing === 'strict' || config.malwareScan !== 'off') && {
      verdicts: store,
    }),
  });
  const objects = new ObjectCatalog({
    ...keeping,
    store,
    buckets: config.buckets,
    ...(options.names && { names: options.names }),
  });
  const multipart = new MultipartService({
    ...keeping,
    store: new S3MultipartStore(client),
    objects: store,
    bucket: config.buckets.draft,
    mainBucket: config.buckets.main,
    policy: {
      maxUploadBytes: config.maxUploadBytes,
      allowedContentTypes: config.allowedContentTypes,
    },
    ...(options.names && { names: options.names }),
    tokens: new UploadTokens(options.signingKey ?? NO_SIGNING_KEY, options.clock),
    uploadTtlSeconds: config.uploadTtlSeconds,
    uploadLifetimeSeconds: config.objectLifetimeSeconds,
    ...(options.clock && { clock: options.clock }),
  });
  const cleaner = options.cleaner
    ? options.cleaner({ config, store, ...(options.clock && { clock: options.clock }) })
    : NO_CLEANER;
  return {
    config,
    client,
    store,
    drafts,
    objects,
    multipart,
    cleaner,
    accounts,
    ...(usage && { usage }),
  };
};

let fromEnvironment: Services | undefined;

/**
 * The Lambda runtime's services, composed from process.env on first use and reused while
 * warm. One process serves one function, so the first call's options are the only ones.
 */
export const environmentServices = (
  options: Pick<ComposeOptions, 'forms' | 'cleaner' | 'checks' | 'usage'> = {},
): Services => (fromEnvironment ??= composeServices(loadConfig(), options));
