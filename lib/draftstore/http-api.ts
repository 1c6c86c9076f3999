import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { REFUSAL_HEADERS } from '../../lambdas/core/errors.js';
import { ROUTE_TABLE, type RouteSpec } from '../../lambdas/http/route-table.js';
import { COMPANION_PREFIX } from '../../lambdas/http/companion/companion-routes.js';
import { pascal } from './functions.js';
import type { DraftStoreProps } from './props.js';

export interface DraftStoreHttpApi {
  readonly httpApi: apigw.HttpApi;
  readonly httpStage: apigw.HttpStage;
}

/**
 * The HTTP API: every row of the route table to its function, behind the JWT authorizer
 * when an issuer is set (all but `/health`), with CORS, throttling and JSON access logs.
 */
export const createHttpApi = (
  scope: Construct,
  props: DraftStoreProps,
  routeFunctions: Readonly<Record<RouteSpec['entry'], NodejsFunction>> & {
    readonly companion?: NodejsFunction;
  },
): DraftStoreHttpApi => {
  const httpApi = new apigw.HttpApi(scope, 'HttpApi', {
    description: 'DraftStore REST API',
    createDefaultStage: false,
    corsPreflight: {
      allowOrigins: [...(props.allowedOrigins ?? ['*'])],
      allowMethods: [
        apigw.CorsHttpMethod.GET,
        apigw.CorsHttpMethod.POST,
        apigw.CorsHttpMethod.OPTIONS,
        // The Companion routes' abort.
        ...(routeFunctions.companion ? [apigw.CorsHttpMethod.DELETE] : []),
      ],
      allowHeaders: ['authorization', 'content-type'],
      exposeHeaders: [...REFUSAL_HEADERS],
      maxAge: Duration.hours(1),
    },
  });
  const accessLogs = new logs.LogGroup(scope, 'HttpApiAccessLogs', {
    retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  });
  const httpStage = new apigw.HttpStage(scope, 'HttpStage', {
    httpApi,
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

  const jwt = props.jwtIssuer
    ? new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
        jwtAudience: [...(props.jwtAudience ?? [])],
        identitySource: ['$request.header.Authorization'],
      })
    : undefined;
  for (const route of ROUTE_TABLE) {
    const isPublic = route.path === '/health';
    const [httpRoute] = httpApi.addRoutes({
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
  if (routeFunctions.companion) {
    // One function serves every route below the prefix, unknown ones too (404 {message}).
    const companionRoutes = httpApi.addRoutes({
      path: `${COMPANION_PREFIX}/{proxy+}`,
      methods: [apigw.HttpMethod.GET, apigw.HttpMethod.POST, apigw.HttpMethod.DELETE],
      integration: new HttpLambdaIntegration('CompanionIntegration', routeFunctions.companion),
      ...(jwt && { authorizer: jwt }),
    });
    for (const companionRoute of jwt ? [] : companionRoutes) {
      Validations.of(companionRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'No JWT issuer is configured (jwtIssuer unset): the Companion routes, like every route, serve the anonymous owner.',
      });
    }
  }
  return { httpApi, httpStage };
};
