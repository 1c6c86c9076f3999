import { Annotations, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DraftStoreProps } from './props.js';

const DAY_SECONDS = 86_400;

export interface DraftStoreBuckets {
  readonly main: s3.IBucket;
  readonly draft: s3.IBucket;
  /** Present when the construct created a bucket and logs it. */
  readonly accessLogs?: s3.Bucket;
}

/** Days the draft lifecycle rule waits: OBJECT_LIFETIME rounded up to whole days, plus one. */
export const draftExpirationDays = (lifetime: Duration): number =>
  Math.ceil(lifetime.toSeconds() / DAY_SECONDS) + 1;

/**
 * The draft and main buckets (created, or the caller's own) and the log bucket of the
 * created ones. Children of `scope` itself, so their logical ids don't depend on this file.
 */
export const createBuckets = (scope: Construct, props: DraftStoreProps): DraftStoreBuckets => {
  const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
  const origins = [...(props.allowedOrigins ?? ['*'])];
  const objectLifetime = props.objectLifetime ?? Duration.days(1);

  let accessLogs: s3.Bucket | undefined;
  const createsBucket = !props.existingMainBucket || !props.existingDraftBucket;
  if (createsBucket && (props.serverAccessLogs ?? true)) {
    accessLogs = new s3.Bucket(scope, 'AccessLogsBucket', {
      // S3 delivers server access logs only to a bucket with SSE-S3 encryption.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the draft and main buckets; logging it into itself would log every log delivery, and into another bucket only moves the finding.',
    });
  }
  const secureBucket = (name: string | undefined) => ({
    ...(name !== undefined && { bucketName: name }),
    ...(props.encryptionKey
      ? {
          encryption: s3.BucketEncryption.KMS,
          encryptionKey: props.encryptionKey,
          bucketKeyEnabled: true,
        }
      : { encryption: s3.BucketEncryption.S3_MANAGED }),
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    removalPolicy,
  });
  const browserCors = (methods: s3.HttpMethods[]): s3.CorsRule => ({
    allowedOrigins: origins,
    allowedMethods: methods,
    allowedHeaders: ['*'],
    // Multipart clients read each part's ETag; browsers hide it unless exposed.
    exposedHeaders: ['ETag'],
    maxAge: 3000,
  });

  const draft =
    props.existingDraftBucket ??
    new s3.Bucket(scope, 'DraftBucket', {
      ...secureBucket(props.draftBucketName),
      ...(accessLogs && {
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: 'draft/',
      }),
      cors: [
        browserCors([
          s3.HttpMethods.PUT,
          s3.HttpMethods.POST,
          s3.HttpMethods.GET,
          s3.HttpMethods.HEAD,
        ]),
      ],
      lifecycleRules: [
        {
          id: 'expire-drafts',
          // A backstop for the cleanup job: drafts outlive OBJECT_LIFETIME by at most a day.
          expiration: Duration.days(draftExpirationDays(objectLifetime)),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  if (props.existingDraftBucket) {
    Annotations.of(scope).addWarningV2(
      'draftstore:existingDraftBucket',
      'The existing draft bucket gets no lifecycle rule from DraftStore: expire drafts and abort incomplete multipart uploads on it yourself.',
    );
  }

  const main =
    props.existingMainBucket ??
    new s3.Bucket(scope, 'MainBucket', {
      ...secureBucket(props.mainBucketName),
      ...(accessLogs && {
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: 'main/',
      }),
      versioned: true,
      // Browsers fetch presigned downloads from here.
      cors: [browserCors([s3.HttpMethods.GET, s3.HttpMethods.HEAD])],
      lifecycleRules: [
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });

  return { main, draft, ...(accessLogs && { accessLogs }) };
};
