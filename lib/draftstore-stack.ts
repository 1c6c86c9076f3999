import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Stage,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { DraftStore, type DraftStoreProps } from './draftstore.js';

const checkedStages = new WeakSet<Stage>();

/**
 * cdk-nag 3 runs as a CDK validation plugin, which only a Stage or App may register; it then
 * checks every stack of that stage. Register it once per stage, whichever stack asks first.
 * Findings fail `cdk synth` unless acknowledged (`Validations.of(x).acknowledge`).
 */
const applyAwsSolutionsChecks = (stack: Stack): void => {
  const stage = Stage.of(stack);
  if (!stage || checkedStages.has(stage)) return;
  checkedStages.add(stage);
  Validations.of(stage).addPlugins(new AwsSolutionsChecks(stage, { verbose: true }));
};

export interface DraftStoreStackProps extends StackProps {
  /**
   * Construct props; each one set here wins over the matching context key.
   * @default - everything from context (see docs/deploy.md), else the construct's defaults
   */
  readonly draftStore?: DraftStoreProps;
  /**
   * Apply the cdk-nag AwsSolutions checks to the stack.
   * @default true
   */
  readonly nag?: boolean;
}

/**
 * The deployable DraftStore: reads settings from CDK context (`cdk deploy -c key=value`),
 * adds the construct, publishes its URLs and bucket names, and runs cdk-nag over all of it.
 */
export class DraftStoreStack extends Stack {
  readonly draftStore: DraftStore;

  constructor(scope: Construct, id: string, props: DraftStoreStackProps = {}) {
    super(scope, id, props);
    this.draftStore = new DraftStore(this, 'DraftStore', {
      ...this.propsFromContext(),
      ...props.draftStore,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.draftStore.apiUrl,
      description: 'REST API base URL',
    });
    new CfnOutput(this, 'ConnectUrl', {
      value: this.draftStore.connectUrl,
      description: 'Connect / gRPC-web base URL (Lambda function URL)',
    });
    new CfnOutput(this, 'MainBucketName', { value: this.draftStore.mainBucket.bucketName });
    new CfnOutput(this, 'DraftBucketName', { value: this.draftStore.draftBucket.bucketName });

    if (props.nag ?? true) applyAwsSolutionsChecks(this);
  }

  private propsFromContext(): DraftStoreProps {
    const text = (key: string): string | undefined => {
      const value: unknown = this.node.tryGetContext(key);
      if (value === undefined || value === null) return undefined;
      const trimmed = String(value).trim();
      return trimmed === '' ? undefined : trimmed;
    };
    const list = (key: string): string[] | undefined => {
      const value: unknown = this.node.tryGetContext(key);
      if (Array.isArray(value)) return value.map(String);
      return text(key)
        ?.split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
    };
    const number = (key: string): number | undefined => {
      const raw = text(key);
      if (raw === undefined) return undefined;
      const value = Number(raw);
      if (!Number.isFinite(value))
        throw new Error(`Context "${key}" must be a number, got "${raw}"`);
      return value;
    };
    const seconds = (key: string) => {
      const value = number(key);
      return value === undefined ? undefined : Duration.seconds(value);
    };
    const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
      const raw = text(key);
      if (raw === undefined) return undefined;
      const match = allowed.find((option) => option.toLowerCase() === raw.toLowerCase());
      if (!match)
        throw new Error(`Context "${key}" must be one of ${allowed.join(', ')}, got "${raw}"`);
      return match;
    };

    const existingMain = text('existingMainBucketName');
    const existingDraft = text('existingDraftBucketName');
    const kmsKeyArn = text('kmsKeyArn');
    const noncurrentDays = number('noncurrentVersionDays');
    const retentionDays = number('logRetentionDays');
    if (retentionDays !== undefined && !Object.values(logs.RetentionDays).includes(retentionDays)) {
      throw new Error(
        `Context "logRetentionDays" must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, ...), got ${retentionDays}`,
      );
    }
    const schedule = text('cleanupSchedule');
    const authType = oneOf('functionUrlAuthType', ['AWS_IAM', 'NONE'] as const);
    const removal = oneOf('removalPolicy', ['retain', 'destroy'] as const);

    const encryptionKey = kmsKeyArn
      ? kms.Key.fromKeyArn(this, 'EncryptionKey', kmsKeyArn)
      : text('kms') === 'true'
        ? new kms.Key(this, 'EncryptionKey', {
            description: 'DraftStore bucket encryption',
            enableKeyRotation: true,
            removalPolicy: RemovalPolicy.RETAIN,
          })
        : undefined;

    const props: DraftStoreProps = {
      mainBucketName: text('mainBucketName'),
      draftBucketName: text('draftBucketName'),
      // The key travels with an imported bucket, so its functions get kms grants too.
      existingMainBucket: existingMain
        ? s3.Bucket.fromBucketAttributes(this, 'ExistingMainBucket', {
            bucketName: existingMain,
            encryptionKey,
          })
        : undefined,
      existingDraftBucket: existingDraft
        ? s3.Bucket.fromBucketAttributes(this, 'ExistingDraftBucket', {
            bucketName: existingDraft,
            encryptionKey,
          })
        : undefined,
      encryptionKey,
      uploadTtl: seconds('uploadTtlSeconds'),
      downloadTtl: seconds('downloadTtlSeconds'),
      objectLifetime: seconds('objectLifetimeSeconds'),
      noncurrentVersionExpiration:
        noncurrentDays === undefined ? undefined : Duration.days(noncurrentDays),
      cleanupSchedule: schedule === undefined ? undefined : events.Schedule.expression(schedule),
      allowedOrigins: list('allowedOrigins'),
      maxUploadBytes: number('maxUploadBytes'),
      quotaBytes: number('quotaBytes'),
      quotaObjects: number('quotaObjects'),
      allowedContentTypes: list('allowedContentTypes'),
      inlineContentTypes: list('inlineContentTypes'),
      jwtIssuer: text('jwtIssuer'),
      jwtAudience: list('jwtAudience'),
      functionUrlAuthType:
        authType === undefined ? undefined : lambda.FunctionUrlAuthType[authType],
      logRetention: retentionDays as logs.RetentionDays | undefined,
      logLevel: oneOf('logLevel', ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const),
      removalPolicy:
        removal === undefined
          ? undefined
          : removal === 'destroy'
            ? RemovalPolicy.DESTROY
            : RemovalPolicy.RETAIN,
      throttlingRateLimit: number('throttlingRateLimit'),
      throttlingBurstLimit: number('throttlingBurstLimit'),
    };
    // Drop the unset keys so the construct's own defaults (and its conflict checks) apply.
    return Object.fromEntries(
      Object.entries(props).filter(([, value]) => value !== undefined),
    ) as DraftStoreProps;
  }
}
