import { Annotations, Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ROUTE_TABLE, type RouteSpec } from '../lambdas/http/route-table.js';
import { HandlerFunction } from './handler-function.js';
import { nagResourceFinding } from './nag.js';
import { cors as connectCors } from '@connectrpc/connect';

const GIB = 1024 ** 3;
const DAY_SECONDS = 86_400;
/** A SigV4 presigned URL lives at most seven days (lambdas/config.ts checks the same bound). */
const MAX_PRESIGN_SECONDS = 7 * DAY_SECONDS;
const MAX_OBJECT_LIFETIME_SECONDS = 10 * 365 * DAY_SECONDS;

/** The functions DraftStore deploys: the REST routes plus the cleanup job and the Connect endpoint. */
export type DraftStoreFunctionName = RouteSpec['entry'] | 'cleanup' | 'connect';

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
   * Content types a client may upload (ALLOWED_CONTENT_TYPES), e.g. `image/*`.
   * @default [] - any type
   */
  readonly allowedContentTypes?: readonly string[];
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

/** What one function may do to which bucket. Each entry becomes one exact IAM statement. */
interface StorageAccess {
  /** s3:GetObject on the objects (also covers HEAD). */
  readonly read?: readonly s3.IBucket[];
  /** s3:PutObject on the objects (presigned PUT, the target of CopyObject). */
  readonly write?: readonly s3.IBucket[];
  /** s3:DeleteObject on the objects (DeleteObject and DeleteObjects). */
  readonly delete?: readonly s3.IBucket[];
  /** s3:ListBucket on the bucket (ListObjectsV2, HeadBucket, and 404 rather than 403 on HEAD). */
  readonly list?: readonly s3.IBucket[];
  /** s3:ListBucketMultipartUploads on the bucket. */
  readonly listUploads?: readonly s3.IBucket[];
  /** s3:AbortMultipartUpload on the objects. */
  readonly abortUploads?: readonly s3.IBucket[];
}

/**
 * DraftStore: a two-stage upload service. Clients upload into a short-lived draft bucket via
 * presigned URLs and confirm to move the object into the versioned main bucket. Deploys both
 * buckets, one least-privilege Lambda per REST route behind an HTTP API (optionally JWT
 * protected), a Connect/gRPC-web function behind a function URL, and a scheduled cleanup job.
 */
export class DraftStore extends Construct {
  readonly mainBucket: s3.IBucket;
  readonly draftBucket: s3.IBucket;
  /** The bucket receiving S3 server access logs, when the construct created buckets and logs them. */
  readonly accessLogsBucket?: s3.Bucket;
  readonly httpApi: apigw.HttpApi;
  readonly httpStage: apigw.HttpStage;
  /** Base URL of the REST API, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/`. */
  readonly apiUrl: string;
  readonly connectFunctionUrl: lambda.FunctionUrl;
  /** Base URL of the Connect / gRPC-web endpoint. */
  readonly connectUrl: string;
  readonly functions: Readonly<Record<DraftStoreFunctionName, NodejsFunction>>;
  readonly cleanupRule: events.Rule;
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

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const origins = [...(props.allowedOrigins ?? ['*'])];
    const objectLifetime = props.objectLifetime ?? Duration.days(1);

    // ---- Buckets -------------------------------------------------------------------------
    const createsBucket = !props.existingMainBucket || !props.existingDraftBucket;
    if (createsBucket && (props.serverAccessLogs ?? true)) {
      this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
        // S3 delivers server access logs only to a bucket with SSE-S3 encryption.
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
        removalPolicy,
      });
      Validations.of(this.accessLogsBucket).acknowledge({
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

    this.draftBucket =
      props.existingDraftBucket ??
      new s3.Bucket(this, 'DraftBucket', {
        ...secureBucket(props.draftBucketName),
        ...(this.accessLogsBucket && {
          serverAccessLogsBucket: this.accessLogsBucket,
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
    // Lambda signs with its role's temporary credentials; a URL dies with them, whatever
    // X-Amz-Expires says. Longer TTLs only look longer.
    const longestTtl = Math.max(
      (props.uploadTtl ?? Duration.hours(1)).toSeconds(),
      (props.downloadTtl ?? Duration.hours(1)).toSeconds(),
    );
    if (longestTtl > Duration.hours(6).toSeconds()) {
      Annotations.of(this).addWarningV2(
        'draftstore:presignTtlBeyondCredentials',
        `A presigned URL TTL of ${longestTtl} s outlives the functions' temporary role credentials (a few hours at most); such URLs stop working when the credentials that signed them expire.`,
      );
    }
    if (props.existingDraftBucket) {
      Annotations.of(this).addWarningV2(
        'draftstore:existingDraftBucket',
        'The existing draft bucket gets no lifecycle rule from DraftStore: expire drafts and abort incomplete multipart uploads on it yourself.',
      );
    }

    this.mainBucket =
      props.existingMainBucket ??
      new s3.Bucket(this, 'MainBucket', {
        ...secureBucket(props.mainBucketName),
        ...(this.accessLogsBucket && {
          serverAccessLogsBucket: this.accessLogsBucket,
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

    // ---- Functions -----------------------------------------------------------------------
    const environment: Record<string, string> = {
      STORAGE_TYPE: 's3',
      BUCKET_NAME: this.mainBucket.bucketName,
      DRAFT_BUCKET_NAME: this.draftBucket.bucketName,
      UPLOAD_TTL: String((props.uploadTtl ?? Duration.hours(1)).toSeconds()),
      DOWNLOAD_TTL: String((props.downloadTtl ?? Duration.hours(1)).toSeconds()),
      OBJECT_LIFETIME: String(objectLifetime.toSeconds()),
      MAX_UPLOAD_BYTES: String(props.maxUploadBytes ?? 5 * GIB),
      ALLOWED_CONTENT_TYPES: (props.allowedContentTypes ?? []).join(','),
      POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'draftstore',
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      POWERTOOLS_METRICS_NAMESPACE: 'DraftStore',
    };
    // The connect function checks bearer tokens itself only behind an open (NONE) URL:
    // behind AWS_IAM the Authorization header carries the SigV4 signature instead.
    const jwtEnvironment: Record<string, string> =
      props.jwtIssuer && props.functionUrlAuthType === lambda.FunctionUrlAuthType.NONE
        ? { JWT_ISSUER: props.jwtIssuer, JWT_AUDIENCE: (props.jwtAudience ?? []).join(',') }
        : {};

    const draft = this.draftBucket;
    const main = this.mainBucket;
    // S3 answers HEAD of a missing key with 403, not 404, unless the caller may s3:ListBucket
    // the bucket. The handlers report a missing draft or object by that 404, so every function
    // that HEADs a bucket's objects also lists that bucket.
    const access: Record<DraftStoreFunctionName, StorageAccess> = {
      'upload-url': { write: [draft] },
      // Presigns a POST form into the draft bucket (the signature grants the form's PutObject).
      'upload-form': { write: [draft] },
      'download-url': { read: [draft, main], list: [draft, main] },
      // HEADs draft and main (main makes a retried confirm idempotent), copies draft → main,
      // then deletes the draft.
      // Above 64 MiB the copy is a multipart upload into main, aborted if a part fails.
      'confirm-upload': {
        read: [draft, main],
        write: [main],
        delete: [draft],
        list: [draft, main],
        abortUploads: [main],
      },
      // HeadBucket on each bucket is authorised by s3:ListBucket.
      health: { list: [draft, main] },
      // The original DraftStore routes, over the same core: each needs what its modern twin
      // needs. In the cloud, CreateDraftBucket only verifies that both buckets exist.
      'compat-bucket': { list: [draft, main] },
      'compat-upload-url': { write: [draft] },
      'compat-download-url': { read: [draft, main], list: [draft, main] },
      'compat-confirm': {
        read: [draft, main],
        write: [main],
        delete: [draft],
        list: [draft, main],
        abortUploads: [main],
      },
      // Lists expired drafts, deletes them in batches, aborts stale multipart uploads in the
      // draft bucket and confirm's abandoned copies in main (never touching main's objects).
      cleanup: {
        list: [draft],
        delete: [draft],
        listUploads: [draft, main],
        abortUploads: [draft, main],
      },
      // The Connect service serves upload, download, confirm and health over one function.
      connect: {
        read: [draft, main],
        write: [draft, main],
        delete: [draft],
        list: [draft, main],
        abortUploads: [main],
      },
    };

    const make = (
      name: DraftStoreFunctionName,
      entry: string,
      description: string,
      extra: Partial<
        Pick<ConstructorParameters<typeof HandlerFunction>[2], 'memorySize' | 'timeout'>
      > = {},
      extraEnvironment: Record<string, string> = {},
    ): NodejsFunction => {
      const handler = new HandlerFunction(this, pascal(name), {
        entry,
        description,
        environment: { ...environment, ...extraEnvironment },
        logRetention,
        removalPolicy,
        logLevel: props.logLevel ?? 'INFO',
        ...extra,
      });
      this.grantStorage(handler.role, access[name], props.encryptionKey);
      return handler.function;
    };

    // Confirm copies the draft to main: objects over 64 MiB in parallel UploadPartCopy parts,
    // which takes seconds for GiBs. An HTTP API integration waits at most 30 s (29 s, CDK's
    // default, here), so the confirm functions get 29 s; memory buys CPU and network share.
    const confirmLimits = { memorySize: 512, timeout: Duration.seconds(29) };
    const routeLimits: Partial<Record<RouteSpec['entry'], typeof confirmLimits>> = {
      'confirm-upload': confirmLimits,
      'compat-confirm': confirmLimits,
    };
    const routeFunctions = Object.fromEntries(
      ROUTE_TABLE.map((route) => [
        route.entry,
        make(
          route.entry,
          `lambdas/http/${route.entry}.ts`,
          `${route.method} ${route.path}`,
          routeLimits[route.entry],
        ),
      ]),
    ) as Record<RouteSpec['entry'], NodejsFunction>;
    const cleanup = make(
      'cleanup',
      'lambdas/jobs/cleanup.ts',
      'scheduled sweep of expired drafts',
      {
        memorySize: 512,
        timeout: Duration.minutes(10),
      },
    );
    const connect = make(
      'connect',
      'lambdas/rpc/function-url.ts',
      'Connect / gRPC-web draft.v1.DraftService',
      // A function URL has no 30 s limit: ConfirmUpload gets a minute for a multipart copy.
      { memorySize: 512, timeout: Duration.seconds(60) },
      jwtEnvironment,
    );
    this.functions = { ...routeFunctions, cleanup, connect };

    // ---- HTTP API ------------------------------------------------------------------------
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'DraftStore REST API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: origins,
        allowMethods: [
          apigw.CorsHttpMethod.GET,
          apigw.CorsHttpMethod.POST,
          apigw.CorsHttpMethod.OPTIONS,
        ],
        allowHeaders: ['authorization', 'content-type'],
        maxAge: Duration.hours(1),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'HttpApiAccessLogs', {
      retention: logRetention,
      removalPolicy,
    });
    this.httpStage = new apigw.HttpStage(this, 'HttpStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 50,
        burstLimit: props.throttlingBurstLimit ?? 100,
      },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    this.apiUrl = this.httpStage.url;

    const jwt = props.jwtIssuer
      ? new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
          jwtAudience: [...(props.jwtAudience ?? [])],
          identitySource: ['$request.header.Authorization'],
        })
      : undefined;
    for (const route of ROUTE_TABLE) {
      const isPublic = route.path === '/health';
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(
          `${pascal(route.entry)}Integration`,
          routeFunctions[route.entry],
        ),
        ...(jwt && !isPublic && { authorizer: jwt }),
      });
      if (httpRoute && (!jwt || isPublic)) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: isPublic
            ? 'GET /health is an uptime probe that returns only "ok"/"unavailable" per bucket; it must answer without a token.'
            : 'No JWT issuer is configured for this deployment (jwtIssuer unset): the API is deliberately open and every caller is "anonymous". Set jwtIssuer + jwtAudience to require a bearer token.',
        });
      }
    }

    // ---- Connect function URL --------------------------------------------------------------
    const authType = props.functionUrlAuthType ?? lambda.FunctionUrlAuthType.AWS_IAM;
    if (authType === lambda.FunctionUrlAuthType.NONE && !props.jwtIssuer) {
      Annotations.of(this).addWarningV2(
        'draftstore:publicConnectUrl',
        'The Connect function URL has auth type NONE and no jwtIssuer: anyone can call it as "anonymous".',
      );
    }
    this.connectFunctionUrl = connect.addFunctionUrl({
      authType,
      cors: {
        allowedOrigins: origins,
        allowedMethods: [lambda.HttpMethod.POST, lambda.HttpMethod.GET],
        // connect-es's own lists, plus the bearer token, plus SigV4 for AWS_IAM callers.
        allowedHeaders: [
          ...connectCors.allowedHeaders.map((header) => header.toLowerCase()),
          'authorization',
          ...(authType === lambda.FunctionUrlAuthType.AWS_IAM
            ? ['x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']
            : []),
        ],
        exposedHeaders: connectCors.exposedHeaders.map((header) => header.toLowerCase()),
        maxAge: Duration.hours(1),
      },
    });
    this.connectUrl = this.connectFunctionUrl.url;

    // ---- Cleanup schedule ----------------------------------------------------------------
    this.cleanupDeadLetterQueue = new sqs.Queue(this, 'CleanupDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.cleanupDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the cleanup schedule target (EventBridge) and the on-failure destination of the cleanup function; a DLQ of a DLQ adds nothing.',
    });
    this.cleanupRule = new events.Rule(this, 'CleanupSchedule', {
      description: 'DraftStore: delete expired drafts',
      schedule: props.cleanupSchedule ?? events.Schedule.rate(Duration.hours(1)),
      targets: [
        new targets.LambdaFunction(cleanup, {
          retryAttempts: 2,
          // A sweep that could not start within the hour is superseded by the next one.
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.cleanupDeadLetterQueue,
        }),
      ],
    });
    // The rule's DLQ only receives events EventBridge could not deliver. Once Lambda has
    // accepted the (asynchronous) invocation, a sweep that throws is retried by Lambda, and
    // then sent to the same queue instead of being dropped. The destination grants the
    // function's role sqs:SendMessage on the queue.
    cleanup.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.cleanupDeadLetterQueue),
    });
    this.cleanupErrorsAlarm = new cloudwatch.Alarm(this, 'CleanupErrorsAlarm', {
      alarmDescription:
        'DraftStore: a cleanup sweep failed (threw or timed out); Lambda retries it, then sends it to the cleanup dead-letter queue.',
      metric: cleanup.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.cleanupDeadLetterAlarm = new cloudwatch.Alarm(this, 'CleanupDeadLetterAlarm', {
      alarmDescription:
        'DraftStore: a cleanup run was lost (undeliverable, or failed every attempt); see the cleanup dead-letter queue.',
      metric: this.cleanupDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The EMF metric the cleanup handler publishes (Powertools: namespace + service dimension).
    this.cleanupUploadListingAlarm = new cloudwatch.Alarm(this, 'CleanupUploadListingAlarm', {
      alarmDescription:
        'DraftStore: cleanup sweeps could not list stale multipart uploads (permissions?); abandoned uploads are piling up.',
      metric: new cloudwatch.Metric({
        namespace: environment.POWERTOOLS_METRICS_NAMESPACE ?? 'DraftStore',
        metricName: 'uploadListingFailures',
        dimensionsMap: { service: environment.POWERTOOLS_SERVICE_NAME ?? 'draftstore' },
        period: Duration.hours(1),
        statistic: 'Sum',
      }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Adds one exact statement per kind of access, scoped to the buckets (and their objects). */
  private grantStorage(
    role: iam.Role,
    access: StorageAccess,
    encryptionKey: kms.IKey | undefined,
  ): void {
    const objects = (buckets: readonly s3.IBucket[] = []) =>
      buckets.map((bucket) => bucket.arnForObjects('*'));
    const bucketArns = (buckets: readonly s3.IBucket[] = []) =>
      buckets.map((bucket) => bucket.bucketArn);
    const statements: iam.PolicyStatement[] = [];
    const add = (sid: string, actions: string[], resources: string[]) => {
      if (resources.length > 0)
        statements.push(new iam.PolicyStatement({ sid, actions, resources }));
    };
    add('ReadObjects', ['s3:GetObject'], objects(access.read));
    add('WriteObjects', ['s3:PutObject'], objects(access.write));
    add('DeleteObjects', ['s3:DeleteObject'], objects(access.delete));
    add('ListBuckets', ['s3:ListBucket'], bucketArns(access.list));
    add('ListMultipartUploads', ['s3:ListBucketMultipartUploads'], bucketArns(access.listUploads));
    add('AbortMultipartUploads', ['s3:AbortMultipartUpload'], objects(access.abortUploads));

    // SSE-KMS: reading needs Decrypt, writing needs a data key (and Decrypt for multipart).
    const keyOf = (bucket: s3.IBucket) =>
      this.createdBucket(bucket) ? encryptionKey : bucket.encryptionKey;
    const keys = (buckets: readonly s3.IBucket[] = []) => [
      ...new Set(
        buckets
          .map(keyOf)
          .filter((key): key is kms.IKey => key !== undefined)
          .map((key) => key.keyArn),
      ),
    ];
    const writeKeys = keys(access.write);
    add('DecryptObjects', ['kms:Decrypt'], [...new Set([...keys(access.read), ...writeKeys])]);
    add('EncryptObjects', ['kms:GenerateDataKey'], writeKeys);

    for (const statement of statements) role.addToPrincipalPolicy(statement);

    // cdk-nag flags every `bucket-arn/*`; acknowledge exactly those, one finding each.
    const wildcards = new Set(
      [access.read, access.write, access.delete, access.abortUploads].flatMap((buckets) =>
        objects(buckets).map((arn) => nagResourceFinding(this, arn)),
      ),
    );
    for (const finding of wildcards) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          'Object keys are chosen by clients at run time (<owner>/<name>), so object actions are granted on the DraftStore bucket\'s own objects ("bucket-arn/*") and nothing wider.',
      });
    }
  }

  private createdBucket(bucket: s3.IBucket): boolean {
    return bucket instanceof s3.Bucket && bucket.node.scope === this;
  }
}

/** Days the draft lifecycle rule waits: OBJECT_LIFETIME rounded up to whole days, plus one. */
export const draftExpirationDays = (lifetime: Duration): number =>
  Math.ceil(lifetime.toSeconds() / DAY_SECONDS) + 1;

const pascal = (name: string): string =>
  name.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/** Rejects conflicting or out-of-range props at synth time rather than at the first cold start. */
const checkProps = (props: DraftStoreProps): void => {
  const problems: string[] = [];
  if (props.existingMainBucket && props.mainBucketName !== undefined) {
    problems.push('pass either existingMainBucket or mainBucketName, not both');
  }
  if (props.existingDraftBucket && props.draftBucketName !== undefined) {
    problems.push('pass either existingDraftBucket or draftBucketName, not both');
  }
  if (props.existingMainBucket && props.noncurrentVersionExpiration !== undefined) {
    problems.push(
      'noncurrentVersionExpiration applies only to a main bucket the construct creates',
    );
  }
  if (props.existingMainBucket && props.existingDraftBucket && props.serverAccessLogs === true) {
    problems.push('serverAccessLogs applies only to buckets the construct creates');
  }
  if (
    props.mainBucketName !== undefined &&
    props.draftBucketName !== undefined &&
    !Token.isUnresolved(props.mainBucketName) &&
    props.mainBucketName === props.draftBucketName
  ) {
    problems.push('draftBucketName must differ from mainBucketName');
  }
  const seconds = (name: string, value: Duration | undefined, max: number) => {
    if (value === undefined || Token.isUnresolved(value.toSeconds())) return;
    const s = value.toSeconds();
    if (!Number.isInteger(s) || s < 1 || s > max)
      problems.push(`${name} must be 1 to ${max} seconds, got ${s}`);
  };
  seconds('uploadTtl', props.uploadTtl, MAX_PRESIGN_SECONDS);
  seconds('downloadTtl', props.downloadTtl, MAX_PRESIGN_SECONDS);
  seconds('objectLifetime', props.objectLifetime, MAX_OBJECT_LIFETIME_SECONDS);
  if (
    props.maxUploadBytes !== undefined &&
    (!Number.isSafeInteger(props.maxUploadBytes) ||
      props.maxUploadBytes < 1 ||
      props.maxUploadBytes > 5 * GIB)
  ) {
    problems.push(`maxUploadBytes must be 1 to ${5 * GIB}, got ${props.maxUploadBytes}`);
  }
  for (const type of props.allowedContentTypes ?? []) {
    if (
      !/^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/.test(type) &&
      type !== '*/*'
    ) {
      problems.push(
        `allowedContentTypes entries look like "image/png" or "image/*", got "${type}"`,
      );
    }
  }
  if (props.allowedOrigins !== undefined && props.allowedOrigins.length === 0) {
    problems.push('allowedOrigins must name at least one origin (or "*")');
  }
  const hasAudience = (props.jwtAudience ?? []).length > 0;
  if (props.jwtIssuer !== undefined && !hasAudience)
    problems.push('jwtIssuer needs at least one jwtAudience');
  if (props.jwtIssuer === undefined && hasAudience) problems.push('jwtAudience needs jwtIssuer');
  if (
    props.jwtIssuer !== undefined &&
    !Token.isUnresolved(props.jwtIssuer) &&
    !/^https:\/\//.test(props.jwtIssuer)
  ) {
    problems.push(`jwtIssuer must be an https:// URL, got "${props.jwtIssuer}"`);
  }
  for (const [name, value] of [
    ['throttlingRateLimit', props.throttlingRateLimit],
    ['throttlingBurstLimit', props.throttlingBurstLimit],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      problems.push(`${name} must be >= 0, got ${value}`);
  }
  if (problems.length > 0)
    throw new Error(`Invalid DraftStore props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
};
