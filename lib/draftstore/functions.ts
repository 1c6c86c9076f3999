import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ROUTE_TABLE, type RouteSpec } from '../../lambdas/http/route-table.js';
import { UPLOAD_TOKEN_SECRET_ENV } from '../../lambdas/secrets/upload-token-secret-env.js';
import { HandlerFunction } from '../handler-function.js';
import type { DraftStoreProps } from './props.js';
import { grantStorage, type StorageAccess } from './storage-grants.js';
import { grantUsageTable, type UsageTableAccess } from './usage-grants.js';

const GIB = 1024 ** 3;

/** The functions DraftStore deploys: the REST routes plus the cleanup job and the Connect endpoint. */
export type DraftStoreFunctionName = RouteSpec['entry'] | 'cleanup' | 'connect' | 'reconcile-usage';

/** The EMF namespace the handlers publish to (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'DraftStore';

interface Buckets {
  readonly draft: s3.IBucket;
  readonly main: s3.IBucket;
}

interface FunctionSpec {
  /** What the function may do to which bucket. */
  readonly access: (buckets: Buckets) => StorageAccess;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  /** Signs and checks multipart upload tokens: reads the upload token secret. */
  readonly readsUploadTokenKey?: true;
  /** What the function may do in the usage table. @default nothing */
  readonly usage?: UsageTableAccess;
}

/** Reads an owner's usage and limits: the early refusal of an upload that cannot fit. */
const READS_USAGE: UsageTableAccess = { read: true };
/** Confirm and delete: the ledger's transactions. */
const KEEPS_USAGE: UsageTableAccess = { read: true, write: true };

// Confirm copies the draft to main: objects over 64 MiB in parallel UploadPartCopy parts,
// which takes seconds for GiBs. An HTTP API integration waits at most 30 s (29 s, CDK's
// default, here), so the confirm functions get 29 s; memory buys CPU and network share.
const CONFIRM_LIMITS = { memorySize: 512, timeout: Duration.seconds(29) };

/** confirm-upload and compat-confirm: the same move, so the same grant and limits. */
const CONFIRM: FunctionSpec = {
  access: ({ draft, main }) => ({
    read: [draft, main],
    write: [main],
    delete: [draft],
    list: [draft, main],
    abortUploads: [main],
    // A refused draft is tagged with its verdict (see lambdas/core/checks/verdict-record.ts).
    readTags: [draft],
    writeTags: [draft],
  }),
  usage: KEEPS_USAGE,
  ...CONFIRM_LIMITS,
};

/**
 * Every function's storage grant and limits, one row each, keyed by the Lambda entry of the
 * operation's route. The functions and their HTTP API routes are derived from the operation
 * specs (lambdas/contract/operations, through lambdas/http/route-table.ts); the grant is
 * the one thing an operation declares here, and the Record type refuses a route without one.
 *
 * S3 answers HEAD of a missing key with 403, not 404, unless the caller may s3:ListBucket the
 * bucket. The handlers report a missing draft or object by that 404, so every function that
 * HEADs a bucket's objects also lists that bucket.
 */
const FUNCTIONS: Record<DraftStoreFunctionName, FunctionSpec> = {
  'upload-url': { access: ({ draft }) => ({ write: [draft] }), usage: READS_USAGE },
  // Presigns a POST form into the draft bucket (the signature grants the form's PutObject).
  'upload-form': { access: ({ draft }) => ({ write: [draft] }), usage: READS_USAGE },
  // Reads a draft's tags: a draft confirm refused is not signed.
  'download-url': {
    access: ({ draft, main }) => ({ read: [draft, main], list: [draft, main], readTags: [draft] }),
  },
  // HEADs draft and main (main makes a retried confirm idempotent), copies draft → main, then
  // deletes the draft. Above 64 MiB the copy is a multipart upload into main, aborted if a
  // part fails.
  'confirm-upload': {
    ...CONFIRM,
  },
  // HEADs one object (GetObject authorises HEAD); ListBucket turns a missing one into 404.
  'object-info': {
    access: ({ draft, main }) => ({ read: [draft, main], list: [draft, main] }),
  },
  // ListObjectsV2 of either bucket; the handler confines it to the caller's prefix.
  'list-objects': { access: ({ draft, main }) => ({ list: [draft, main] }) },
  // Discards a draft or deletes a confirmed object (a delete marker: main is versioned).
  // Deleting a confirmed object subtracts it from its owner's usage.
  'delete-object': {
    access: ({ draft, main }) => ({ delete: [draft, main] }),
    usage: KEEPS_USAGE,
  },
  // Multipart uploads into the draft bucket. s3:PutObject covers CreateMultipartUpload, the
  // presigned UploadPart (signed with the function's credentials) and CompleteMultipartUpload.
  'multipart-create': {
    access: ({ draft }) => ({ write: [draft] }),
    readsUploadTokenKey: true,
    usage: READS_USAGE,
  },
  'multipart-sign-parts': {
    access: ({ draft }) => ({ write: [draft] }),
    readsUploadTokenKey: true,
  },
  'multipart-list-parts': {
    access: ({ draft }) => ({ listParts: [draft] }),
    readsUploadTokenKey: true,
  },
  // Completes, HEADs the draft (a retry recognises its own) and, for a retry whose draft was
  // confirmed since, main (listed too, so a missing object is 404 rather than 403); removes a
  // draft that breaks the policy, and aborts an upload that breaks it before completion.
  'multipart-complete': {
    access: ({ draft, main }) => ({
      read: [draft, main],
      write: [draft],
      delete: [draft],
      list: [draft, main],
      abortUploads: [draft],
    }),
    readsUploadTokenKey: true,
  },
  // Aborts, then removes the draft the upload became if it had been completed.
  'multipart-abort': {
    access: ({ draft }) => ({
      read: [draft],
      delete: [draft],
      list: [draft],
      abortUploads: [draft],
    }),
    readsUploadTokenKey: true,
  },
  // Reads the caller's usage and quota overrides.
  usage: { access: () => ({}), usage: READS_USAGE },
  // HeadBucket on each bucket is authorised by s3:ListBucket.
  health: { access: ({ draft, main }) => ({ list: [draft, main] }) },
  // The original DraftStore routes, over the same core: each needs what its modern twin
  // needs. In the cloud, CreateDraftBucket only verifies that both buckets exist.
  'compat-bucket': { access: ({ draft, main }) => ({ list: [draft, main] }) },
  'compat-upload-url': { access: ({ draft }) => ({ write: [draft] }), usage: READS_USAGE },
  'compat-download-url': {
    access: ({ draft, main }) => ({ read: [draft, main], list: [draft, main], readTags: [draft] }),
  },
  'compat-confirm': {
    ...CONFIRM,
  },
  // Lists expired drafts, deletes them in batches, aborts stale multipart uploads in the
  // draft bucket and confirm's abandoned copies in main (never touching main's objects).
  cleanup: {
    access: ({ draft, main }) => ({
      list: [draft],
      delete: [draft],
      listUploads: [draft, main],
      abortUploads: [draft, main],
    }),
    memorySize: 512,
    timeout: Duration.minutes(10),
  },
  // Lists main owner by owner, HEADs objects whose usage drifted, and corrects the ledger
  // (Query of one owner's records, Scan for the owners the ledger knows).
  'reconcile-usage': {
    access: ({ main }) => ({ read: [main], list: [main] }),
    usage: { read: true, write: true, query: true },
    memorySize: 512,
    timeout: Duration.minutes(15),
  },
  // The Connect service serves every RPC over one function: object deletion and multipart too.
  connect: {
    access: ({ draft, main }) => ({
      read: [draft, main],
      write: [draft, main],
      delete: [draft, main],
      list: [draft, main],
      abortUploads: [draft, main],
      listParts: [draft],
      readTags: [draft],
      writeTags: [draft],
    }),
    readsUploadTokenKey: true,
    usage: KEEPS_USAGE,
    // A function URL has no 30 s limit: ConfirmUpload gets a minute for a multipart copy.
    memorySize: 512,
    timeout: Duration.seconds(60),
  },
};

/** The functions that are not REST routes: where their code lives and what they are. */
const OTHER_FUNCTIONS = {
  cleanup: { entry: 'lambdas/jobs/cleanup.ts', description: 'scheduled sweep of expired drafts' },
  'reconcile-usage': {
    entry: 'lambdas/jobs/reconcile-usage.ts',
    description: 'weekly reconciliation of per-owner usage with the main bucket',
  },
  connect: {
    entry: 'lambdas/rpc/function-url.ts',
    description: 'Connect / gRPC-web draft.v1.DraftService',
  },
} as const;

/**
 * One least-privilege function per REST route, plus cleanup and connect, each a child of
 * `scope` named after it (`UploadUrl`, `Cleanup`, ...).
 */
export const createFunctions = (
  scope: Construct,
  props: DraftStoreProps,
  buckets: Buckets,
  uploadTokenSecret: secretsmanager.ISecret,
  usageTable: dynamodb.Table,
): Record<DraftStoreFunctionName, NodejsFunction> => {
  const objectLifetime = props.objectLifetime ?? Duration.days(1);
  const uploadTtl = props.uploadTtl ?? Duration.hours(1);
  const downloadTtl = props.downloadTtl ?? Duration.hours(1);
  // Lambda signs with its role's temporary credentials; a URL dies with them, whatever
  // X-Amz-Expires says. Longer TTLs only look longer.
  const longestTtl = Math.max(uploadTtl.toSeconds(), downloadTtl.toSeconds());
  if (longestTtl > Duration.hours(6).toSeconds()) {
    Annotations.of(scope).addWarningV2(
      'draftstore:presignTtlBeyondCredentials',
      `A presigned URL TTL of ${longestTtl} s outlives the functions' temporary role credentials (a few hours at most); such URLs stop working when the credentials that signed them expire.`,
    );
  }

  const environment: Record<string, string> = {
    STORAGE_TYPE: 's3',
    BUCKET_NAME: buckets.main.bucketName,
    DRAFT_BUCKET_NAME: buckets.draft.bucketName,
    UPLOAD_TTL: String(uploadTtl.toSeconds()),
    DOWNLOAD_TTL: String(downloadTtl.toSeconds()),
    OBJECT_LIFETIME: String(objectLifetime.toSeconds()),
    MAX_UPLOAD_BYTES: String(props.maxUploadBytes ?? 5 * GIB),
    ALLOWED_CONTENT_TYPES: (props.allowedContentTypes ?? []).join(','),
    ...(props.inlineContentTypes && {
      INLINE_CONTENT_TYPES:
        props.inlineContentTypes.length === 0 ? 'none' : props.inlineContentTypes.join(','),
    }),
    ...(props.malwareProtection === true && { MALWARE_SCAN: 'guardduty' }),
    // Every function knows the table (a name, no access): only those granted use it.
    USAGE_TABLE: usageTable.tableName,
    ...(props.quotaBytes !== undefined && { QUOTA_BYTES: String(props.quotaBytes) }),
    ...(props.quotaObjects !== undefined && { QUOTA_OBJECTS: String(props.quotaObjects) }),
    POWERTOOLS_SERVICE_NAME: serviceName(props),
    POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
  // The connect function checks bearer tokens itself only behind an open (NONE) URL:
  // behind AWS_IAM the Authorization header carries the SigV4 signature instead.
  const jwtEnvironment: Record<string, string> =
    props.jwtIssuer && props.functionUrlAuthType === lambda.FunctionUrlAuthType.NONE
      ? { JWT_ISSUER: props.jwtIssuer, JWT_AUDIENCE: (props.jwtAudience ?? []).join(',') }
      : {};

  const make = (
    name: DraftStoreFunctionName,
    entry: string,
    description: string,
    extraEnvironment: Record<string, string> = {},
  ): NodejsFunction => {
    const { access, memorySize, timeout, readsUploadTokenKey, usage } = FUNCTIONS[name];
    const handler = new HandlerFunction(scope, pascal(name), {
      entry,
      description,
      environment: {
        ...environment,
        ...(readsUploadTokenKey && { [UPLOAD_TOKEN_SECRET_ENV]: uploadTokenSecret.secretArn }),
        ...extraEnvironment,
      },
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      logLevel: props.logLevel ?? 'INFO',
      ...(memorySize !== undefined && { memorySize }),
      ...(timeout !== undefined && { timeout }),
    });
    grantStorage(scope, handler.role, access(buckets), props.encryptionKey);
    if (readsUploadTokenKey) uploadTokenSecret.grantRead(handler.role);
    if (usage) grantUsageTable(handler.role, usageTable, usage);
    return handler.function;
  };

  const routeFunctions = Object.fromEntries(
    ROUTE_TABLE.map((route) => [
      route.entry,
      make(route.entry, `lambdas/http/${route.entry}.ts`, `${route.method} ${route.path}`),
    ]),
  ) as Record<RouteSpec['entry'], NodejsFunction>;
  const { cleanup, connect } = OTHER_FUNCTIONS;
  const reconcile = OTHER_FUNCTIONS['reconcile-usage'];
  return {
    ...routeFunctions,
    cleanup: make('cleanup', cleanup.entry, cleanup.description),
    connect: make('connect', connect.entry, connect.description, jwtEnvironment),
    'reconcile-usage': make('reconcile-usage', reconcile.entry, reconcile.description),
  };
};

/** POWERTOOLS_SERVICE_NAME, the dimension of every metric the handlers publish. */
export const serviceName = (props: DraftStoreProps): string => props.serviceName ?? 'draftstore';

/** `upload-url` → `UploadUrl`: the construct id of a function. */
export const pascal = (name: string): string =>
  name.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
