import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';

export interface DraftStoreProps {
  /**
   * Name of the main bucket the construct creates. Conflicts with `existingMainBucket`.
   * @default - a name CloudFormation generates
   */
  readonly mainBucketName?: string;
  /**
   * Name of the draft bucket the construct creates. Conflicts with `existingDraftBucket`.
   * @default - a name CloudFormation generates
   */
  readonly draftBucketName?: string;
  /**
   * Use this bucket as the main bucket instead of creating one. Its owner configures it
   * (versioning, encryption, lifecycle); the construct only grants the functions access.
   * @default - a new versioned, SSL-only, encrypted bucket
   */
  readonly existingMainBucket?: s3.IBucket;
  /**
   * Use this bucket as the draft bucket instead of creating one. Its owner must expire old
   * drafts and abort stale multipart uploads; the cleanup job still sweeps it.
   * @default - a new SSL-only, encrypted bucket with expiry and CORS
   */
  readonly existingDraftBucket?: s3.IBucket;
  /**
   * Customer-managed key for the buckets the construct creates, and for which the functions
   * get `kms:Decrypt` / `kms:GenerateDataKey`. Existing buckets use their own `encryptionKey`.
   * @default - S3-managed keys (SSE-S3)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Write S3 server access logs of the created buckets to a dedicated log bucket.
   * @default true
   */
  readonly serverAccessLogs?: boolean;
  /**
   * How long a presigned upload URL stays valid (UPLOAD_TTL), at most seven days.
   * @default Duration.hours(1)
   */
  readonly uploadTtl?: Duration;
  /**
   * How long a presigned download URL stays valid (DOWNLOAD_TTL), at most seven days.
   * @default Duration.hours(1)
   */
  readonly downloadTtl?: Duration;
  /**
   * How long an unconfirmed draft lives (OBJECT_LIFETIME). The cleanup job deletes older
   * drafts; the draft bucket's lifecycle rule expires them a day later as a backstop.
   * @default Duration.days(1)
   */
  readonly objectLifetime?: Duration;
  /**
   * How long the main bucket keeps a version after it is overwritten or deleted.
   * @default Duration.days(30)
   */
  readonly noncurrentVersionExpiration?: Duration;
  /**
   * When the cleanup job runs.
   * @default events.Schedule.rate(Duration.hours(1))
   */
  readonly cleanupSchedule?: events.Schedule;
  /**
   * Browser origins allowed to call the API and the Connect URL and to PUT/GET objects.
   * @default ['*']
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * The largest object a client may upload (MAX_UPLOAD_BYTES), at most 5 GiB.
   * @default 5 GiB
   */
  readonly maxUploadBytes?: number;
  /**
   * The default most bytes one owner may keep in the main bucket (QUOTA_BYTES); per-owner
   * overrides live in the usage table (`npm run usage -- set-limit`).
   * @default - unlimited
   */
  readonly quotaBytes?: number;
  /**
   * When the usage reconciliation runs (`npm run usage -- reconcile` for every owner).
   * @default events.Schedule.rate(Duration.days(7))
   */
  readonly usageReconcileSchedule?: events.Schedule;
  /**
   * The default most objects one owner may keep in the main bucket (QUOTA_OBJECTS).
   * @default - unlimited
   */
  readonly quotaObjects?: number;
  /**
   * Content types a client may upload (ALLOWED_CONTENT_TYPES), e.g. `image/*`.
   * @default [] - any type
   */
  readonly allowedContentTypes?: readonly string[];
  /**
   * GuardDuty Malware Protection for S3 on the draft bucket (a `CfnMalwareProtectionPlan` with
   * object tagging, and its role), and confirm waits for its verdict (MALWARE_SCAN=guardduty).
   * @default false
   */
  readonly malwareProtection?: boolean;
  /**
   * Stored types that download URLs let the browser show (INLINE_CONTENT_TYPES); every
   * other type is served as an attachment. An empty list makes everything an attachment.
   * @default - PNG, JPEG, GIF, WebP and AVIF images, video/*, audio/*, application/pdf, text/plain
   */
  readonly inlineContentTypes?: readonly string[];
  /**
   * Issuer (`iss`) of the JWTs the API accepts. With it, every route but `/health` requires a
   * valid bearer token; the Connect function checks the token itself when its URL is public.
   * @default - no authorizer: every caller is anonymous
   */
  readonly jwtIssuer?: string;
  /**
   * Audiences (`aud`) the API accepts; required with `jwtIssuer`.
   * @default - none
   */
  readonly jwtAudience?: readonly string[];
  /**
   * Authentication of the Connect function URL.
   * @default lambda.FunctionUrlAuthType.AWS_IAM
   */
  readonly functionUrlAuthType?: lambda.FunctionUrlAuthType;
  /**
   * Retention of every log group the construct creates.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Powertools log level of the functions (POWERTOOLS_LOG_LEVEL).
   * @default 'INFO'
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Powertools service name of the functions (POWERTOOLS_SERVICE_NAME).
   * @default 'draftstore'
   */
  readonly serviceName?: string;
  /**
   * What happens to the created buckets and log groups when they leave the stack. With
   * DESTROY, CloudFormation can delete a bucket only once it is empty.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Steady-state requests per second the HTTP API stage accepts.
   * @default 50
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests the HTTP API stage accepts.
   * @default 100
   */
  readonly throttlingBurstLimit?: number;
}
