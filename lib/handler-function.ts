import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLE, PROJECT_ROOT } from './bundle-options.js';

export interface HandlerFunctionProps {
  /** The handler source, relative to the repository root, e.g. `lambdas/http/health.ts`. */
  readonly entry: string;
  /** What the function does, for the console and the role. */
  readonly description: string;
  /** The environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  /** How long the function's log group keeps events. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the log group when it leaves the stack. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Lambda's application log level. With JSON logging, Lambda drops records below it, so it
   * must match POWERTOOLS_LOG_LEVEL.
   * @default 'INFO'
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
}

/**
 * One Lambda handler with the project's defaults: Node.js 24 on arm64, an ESM bundle built
 * by the local esbuild (never Docker) with the AWS SDK inside it, minified, its source map
 * beside it (not loaded at start-up),
 * its own log group with explicit retention, and its own role that may write only to that
 * log group. Callers add the storage permissions, one statement at a time.
 */
export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const entry = join(PROJECT_ROOT, props.entry);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: that managed policy lets the
    // function create any log group and write to every log stream in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `DraftStore ${props.description}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logLevel ?? 'INFO'],
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      // No NODE_OPTIONS=--enable-source-maps: with it Node reads and parses the bundle's
      // source map (about 1 MiB) at every cold start, which measured 35-50 ms per start. The
      // map ships beside the bundle, so a logged stack still decodes offline.
      environment: { ...props.environment },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLE.target,
        mainFields: [...LAMBDA_BUNDLE.mainFields],
        banner: LAMBDA_BUNDLE.banner,
        minify: LAMBDA_BUNDLE.minify,
        sourceMap: LAMBDA_BUNDLE.sourcemap,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: LAMBDA_BUNDLE.sourcesContent,
        // Bundle everything, the AWS SDK included: the version is pinned by our lock file,
        // not by whatever the runtime ships, and tree-shaking keeps cold starts small.
        externalModules: [],
        tsconfig: LAMBDA_BUNDLE.tsconfig,
        esbuildArgs: {
          '--alias': Object.entries(LAMBDA_BUNDLE.alias).map(([from, to]) => `${from}=${to}`),
        },
      },
    });
  }
}
