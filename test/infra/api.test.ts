import { Match } from 'aws-cdk-lib/assertions';
import { ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import { synth, type Synthesized } from './synth.js';

const JWT = {
  jwtIssuer: 'https://issuer.example.com/',
  jwtAudience: 'draftstore-api,draftstore-web',
};

describe('functions', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({
      allowedContentTypes: 'image/*,application/pdf',
      maxUploadBytes: 1048576,
    });
  });

  const functions = () =>
    Object.entries(synthesized.template.findResources('AWS::Lambda::Function')).map(([id, fn]) => ({
      id,
      props: fn.Properties,
    }));

  it('deploys one function per route, plus cleanup, connect and the usage reconciliation', () => {
    const pascal = (name: string) =>
      name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
    expect(
      functions()
        .map((fn) => fn.id.replace(/Function[0-9A-F]{8}$/, ''))
        .sort(),
    ).toEqual(
      [...ROUTE_TABLE.map((route) => route.entry), 'cleanup', 'connect', 'reconcile-usage']
        .map((name) => `DraftStore${pascal(name)}`)
        .sort(),
    );
  });

  it('runs each on Node.js 24, arm64, with source maps, its own log group and the storage env', () => {
    for (const { props } of functions()) {
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: {
          LogGroup: { Ref: expect.stringMatching(/Logs/) },
          LogFormat: 'JSON',
          ApplicationLogLevel: 'INFO',
          SystemLogLevel: 'INFO',
        },
      });
      expect(props.Environment.Variables).toMatchObject({
        STORAGE_TYPE: 's3',
        BUCKET_NAME: { Ref: expect.stringMatching(/^DraftStoreMainBucket/) },
        DRAFT_BUCKET_NAME: { Ref: expect.stringMatching(/^DraftStoreDraftBucket/) },
        UPLOAD_TTL: '3600',
        DOWNLOAD_TTL: '3600',
        OBJECT_LIFETIME: '86400',
        MAX_UPLOAD_BYTES: '1048576',
        ALLOWED_CONTENT_TYPES: 'image/*,application/pdf',
        POWERTOOLS_SERVICE_NAME: 'draftstore',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      });
      // Source maps are not loaded at start-up (a cold-start cost); see HandlerFunction.
      expect(props.Environment.Variables.NODE_OPTIONS).toBeUndefined();
      expect(props.Environment.Variables.JWT_ISSUER).toBeUndefined();
    }
  });

  it("keeps Lambda's JSON log level in step with POWERTOOLS_LOG_LEVEL", () => {
    const { template } = synth({ logLevel: 'DEBUG' });
    const all = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const fn of all) {
      expect(fn.Properties.LoggingConfig.ApplicationLogLevel).toBe('DEBUG');
      expect(fn.Properties.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    }
  });

  it('gives the cleanup job minutes and the request handlers seconds', () => {
    const timeout = (prefix: string) =>
      functions().find((fn) => fn.id.startsWith(prefix))!.props.Timeout;
    expect(timeout('DraftStoreCleanup')).toBe(600);
    expect(timeout('DraftStoreUploadUrl')).toBe(10);
  });

  it('gives the confirm functions time for a multipart copy, within the HTTP API 30 s limit', () => {
    const props = (prefix: string) => functions().find((fn) => fn.id.startsWith(prefix))!.props;
    for (const confirm of ['DraftStoreConfirmUpload', 'DraftStoreCompatConfirm']) {
      expect(props(confirm)).toMatchObject({ Timeout: 29, MemorySize: 512 });
    }
    // The function URL has no 30 s limit.
    expect(props('DraftStoreConnect')).toMatchObject({ Timeout: 60, MemorySize: 512 });
    expect(props('DraftStoreDownloadUrl')).toMatchObject({ Timeout: 10, MemorySize: 256 });
  });

  it('keeps every function log group for the configured retention', () => {
    const groups = Object.values(synthesized.template.findResources('AWS::Logs::LogGroup'));
    // routes, cleanup, connect, usage reconciliation, API access logs
    expect(groups).toHaveLength(ROUTE_TABLE.length + 4);
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });
});

describe('HTTP API', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    synthesized = synth({ throttlingRateLimit: 20, throttlingBurstLimit: 40 });
  });

  it('has exactly the routes of lambdas/http/route-table.ts, each on its own function', () => {
    const routes = synthesized.template.findResources('AWS::ApiGatewayV2::Route');
    expect(
      Object.values(routes)
        .map((route) => route.Properties.RouteKey)
        .sort(),
    ).toEqual(ROUTE_TABLE.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of ROUTE_TABLE) {
      const pascal = route.entry.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
      synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: {
          'Fn::GetAtt': [Match.stringLikeRegexp(`^DraftStore${pascal}Function`), 'Arn'],
        },
      });
    }
  });

  it('throttles the stage and writes JSON access logs to a log group', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: {
        DestinationArn: {
          'Fn::GetAtt': [Match.stringLikeRegexp('^DraftStoreHttpApiAccessLogs'), 'Arn'],
        },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });

  it('answers CORS preflights for the allowed origins', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowMethods: ['GET', 'POST', 'OPTIONS'],
        AllowHeaders: ['authorization', 'content-type'],
      },
    });
  });

  it('has no authorizer when no JWT issuer is configured', () => {
    synthesized.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    for (const route of Object.values(
      synthesized.template.findResources('AWS::ApiGatewayV2::Route'),
    )) {
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    }
  });

  it('requires the JWT on every route but /health when an issuer is configured', () => {
    const { template } = synth(JWT);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: 'https://issuer.example.com/',
        Audience: ['draftstore-api', 'draftstore-web'],
      },
    });
    for (const route of Object.values(template.findResources('AWS::ApiGatewayV2::Route'))) {
      const expected = route.Properties.RouteKey === 'GET /health' ? 'NONE' : 'JWT';
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe(expected);
    }
  });
});

describe('Connect function URL', () => {
  it('requires IAM auth by default and allows the Connect and gRPC-web headers', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^DraftStoreConnectFunction'), 'Arn'],
      },
      Cors: {
        AllowOrigins: ['*'],
        AllowMethods: ['POST', 'GET'],
        AllowHeaders: Match.arrayWith([
          'content-type',
          'connect-protocol-version',
          'connect-timeout-ms',
          'x-grpc-web',
          'x-user-agent',
          'grpc-timeout',
          'authorization',
          'x-amz-date',
          'x-amz-security-token',
        ]),
        ExposeHeaders: Match.arrayWith([
          'grpc-status',
          'grpc-message',
          'grpc-status-details-bin',
          'connect-content-encoding',
        ]),
      },
    });
  });

  it('keeps JWT checking out of the handler behind AWS_IAM, whose Authorization is SigV4', () => {
    const { template } = synth({ ...JWT });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    const withJwt = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (fn) => fn.Properties?.Environment?.Variables?.JWT_ISSUER !== undefined,
    );
    expect(withJwt).toHaveLength(0);
  });

  it('can be public, and then passes the JWT issuer and audience to the handler', () => {
    const { template } = synth({ ...JWT, functionUrlAuthType: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          JWT_ISSUER: 'https://issuer.example.com/',
          JWT_AUDIENCE: 'draftstore-api,draftstore-web',
        }),
      },
    });
  });
});

describe('cleanup schedule', () => {
  it('runs the cleanup hourly with retries and an encrypted, SSL-only dead-letter queue', () => {
    const { template } = synth();
    const queue = Object.keys(template.findResources('AWS::SQS::Queue'))[0]!;
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DraftStoreCleanupFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('takes the schedule expression from context', () => {
    const { template } = synth({ cleanupSchedule: 'cron(15 * * * ? *)' });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 * * * ? *)',
    });
  });
});

describe('outputs', () => {
  it('publishes the API URL, the Connect URL and both bucket names', () => {
    const { template, stack } = synth();
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([
      'ApiUrl',
      'ConnectUrl',
      'DraftBucketName',
      'MainBucketName',
    ]);
    expect(outputs.ConnectUrl!.Value).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^DraftStoreConnectFunctionFunctionUrl/), 'FunctionUrl'],
    });
    expect(outputs.MainBucketName!.Value).toEqual({
      Ref: expect.stringMatching(/^DraftStoreMainBucket/),
    });
    expect(outputs.DraftBucketName!.Value).toEqual({
      Ref: expect.stringMatching(/^DraftStoreDraftBucket/),
    });
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toContain('execute-api');
    expect(stack.draftStore.apiUrl).toBeDefined();
  });
});
