import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkProps } from './draftstore/check-props.js';
import { createCleanupSchedule } from './draftstore/cleanup-schedule.js';
import { addObjectConfirmedRule, addObjectRejectedRule } from './draftstore/confirmation-events.js';
import { addConnectUrl } from './draftstore/connect-url.js';
import { createFunctions, type DraftStoreFunctionName } from './draftstore/functions.js';
import { addMalwareProtection } from './draftstore/malware-protection.js';
import type * as guardduty from 'aws-cdk-lib/aws-guardduty';
import { createHttpApi } from './draftstore/http-api.js';
import type { DraftStoreProps } from './draftstore/props.js';
import { createBuckets } from './draftstore/storage.js';
import { createUploadTokenSecret } from './draftstore/upload-token-secret.js';
import { createUsageTable } from './draftstore/usage-table.js';
import { createUsageReconcileSchedule } from './draftstore/usage-reconcile-schedule.js';

export type { DraftStoreFunctionName } from './draftstore/functions.js';
export type { DraftStoreProps } from './draftstore/props.js';
export { draftExpirationDays } from './draftstore/storage.js';
export { objectConfirmedPattern, objectRejectedPattern } from './draftstore/confirmation-events.js';

/**
 * DraftStore: a two-stage upload service. Clients upload into a short-lived draft bucket via
 * presigned URLs and confirm to move the object into the versioned main bucket. Deploys both
 * buckets, one least-privilege Lambda per REST route behind an HTTP API (optionally JWT
 * protected), a Connect/gRPC-web function behind a function URL, and a scheduled cleanup job.
 *
 * Each part is built by its own file under lib/draftstore/, always as a direct child of this
 * construct, so the resources' logical ids stay those of the original single-file construct.
 */
export class DraftStore extends Construct {
  readonly mainBucket: s3.IBucket;
  readonly draftBucket: s3.IBucket;
  /** GuardDuty Malware Protection for S3 on the draft bucket, with `malwareProtection: true`. */
  readonly malwareProtectionPlan?: guardduty.CfnMalwareProtectionPlan;
  /** The bucket receiving S3 server access logs, when the construct created buckets and logs them. */
  readonly accessLogsBucket?: s3.Bucket;
  /**
   * The usage table (DynamoDB): per-owner usage and quota overrides, and rate-limit counters.
   * See lambdas/storage/usage-table.ts for its items.
   */
  readonly usageTable: dynamodb.Table;
  readonly httpApi: apigw.HttpApi;
  readonly httpStage: apigw.HttpStage;
  /** Base URL of the REST API, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/`. */
  readonly apiUrl: string;
  readonly connectFunctionUrl: lambda.FunctionUrl;
  /** Base URL of the Connect / gRPC-web endpoint. */
  readonly connectUrl: string;
  readonly functions: Readonly<Record<DraftStoreFunctionName, NodejsFunction>>;
  /** The HMAC key of multipart upload tokens, readable only by the functions serving multipart. */
  readonly uploadTokenSecret: secretsmanager.ISecret;
  readonly cleanupRule: events.Rule;
  /** The weekly reconciliation of per-owner usage with the main bucket. */
  readonly usageReconcileRule: events.Rule;
  /**
   * Where a cleanup run ends up when it is lost: an event EventBridge could not deliver, or
   * an invocation that failed all its attempts (the function's on-failure destination).
   */
  readonly cleanupDeadLetterQueue: sqs.Queue;
  /** In alarm when a cleanup invocation fails (throws or times out). Add your own actions. */
  readonly cleanupErrorsAlarm: cloudwatch.Alarm;
  /** In alarm while the cleanup dead-letter queue holds a lost run. Add your own actions. */
  readonly cleanupDeadLetterAlarm: cloudwatch.Alarm;
  /**
   * In alarm when sweeps keep failing to list stale multipart uploads (the sweep goes on
   * without them, so only this metric shows it). Add your own actions.
   */
  readonly cleanupUploadListingAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DraftStoreProps = {}) {
    super(scope, id);
    // Log delivery is granted through the log bucket's policy, not the legacy ACL, whatever
    // the app's feature flags say; must be set before any child exists.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    checkProps(props);

    const buckets = createBuckets(this, props);
    this.mainBucket = buckets.main;
    this.draftBucket = buckets.draft;
    if (buckets.accessLogs) this.accessLogsBucket = buckets.accessLogs;

    this.uploadTokenSecret = createUploadTokenSecret(this, props);
    this.usageTable = createUsageTable(this, props);
    this.functions = createFunctions(this, props, buckets, this.uploadTokenSecret, this.usageTable);
    if (props.malwareProtection === true) {
      // A created draft bucket is encrypted with props.encryptionKey; an existing one with its own.
      const key = props.existingDraftBucket
        ? props.existingDraftBucket.encryptionKey
        : props.encryptionKey;
      this.malwareProtectionPlan = addMalwareProtection(this, buckets.draft, key);
    }

    const api = createHttpApi(this, props, this.functions);
    this.httpApi = api.httpApi;
    this.httpStage = api.httpStage;
    this.apiUrl = api.httpStage.url;

    this.connectFunctionUrl = addConnectUrl(this, this.functions.connect, props);
    this.connectUrl = this.connectFunctionUrl.url;

    this.usageReconcileRule = createUsageReconcileSchedule(
      this,
      this.functions['reconcile-usage'],
      props,
    );
    const cleanup = createCleanupSchedule(this, this.functions.cleanup, props);
    this.cleanupRule = cleanup.rule;
    this.cleanupDeadLetterQueue = cleanup.deadLetterQueue;
    this.cleanupErrorsAlarm = cleanup.errorsAlarm;
    this.cleanupDeadLetterAlarm = cleanup.deadLetterAlarm;
    this.cleanupUploadListingAlarm = cleanup.uploadListingAlarm;
  }

  /**
   * Sends every `draftstore.object.confirmed` (S3's "Object Created" in the main bucket) to
   * `target`, at least once, through a new EventBridge rule named `id`. See
   * `objectConfirmedPattern` for how S3's event fields map to the confirmation's.
   */
  onObjectConfirmed(id: string, target: events.IRuleTarget): events.Rule {
    return addObjectConfirmedRule(this, id, this.mainBucket, target);
  }

  /**
   * Sends every `draftstore.object.rejected` (confirm tagging a draft it refused: S3's "Object
   * Tags Added" in the draft bucket) to `target` through a new EventBridge rule named `id`.
   * See `objectRejectedPattern`: the reason is in the draft's `draftstore-rejected` tag.
   */
  onObjectRejected(id: string, target: events.IRuleTarget): events.Rule {
    return addObjectRejectedRule(this, id, this.draftBucket, target);
  }
}
