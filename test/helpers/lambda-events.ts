import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, LambdaFunctionURLEvent } from 'aws-lambda';

/** What API Gateway (HTTP API, payload 2.0) sends a route's function for one request. */
export const httpApiEvent = (
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): APIGatewayProxyEventV2 => {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'api.example.com',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  };
};

/** What a Lambda function URL sends for a Connect (JSON) unary call. */
export interface FunctionUrlRequest {
  /** @default 'POST' */
  readonly httpMethod?: string;
  /** Added to (or replacing) the Connect JSON headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Bytes arrive base64-encoded, as Lambda passes a binary body. */
  readonly body?: Uint8Array | string;
}

/** What a Lambda function URL sends the connect function for one request to an RPC path. */
export const functionUrlRequestEvent = (
  method: string,
  request: FunctionUrlRequest = {},
): LambdaFunctionURLEvent => {
  const now = new Date();
  const path = `/draft.v1.DraftService/${method}`;
  const binary = request.body instanceof Uint8Array;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      host: 'connect.lambda-url.us-east-1.on.aws',
      'content-type': 'application/json',
      'connect-protocol-version': '1',
      ...request.headers,
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'connect',
      domainName: 'connect.lambda-url.us-east-1.on.aws',
      domainPrefix: 'connect',
      http: {
        method: request.httpMethod ?? 'POST',
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body !== undefined && {
      body: binary ? Buffer.from(request.body).toString('base64') : (request.body as string),
    }),
    isBase64Encoded: binary,
  };
};

/** A Connect JSON call through the function URL. */
export const connectEvent = (method: string, body: unknown): LambdaFunctionURLEvent =>
  functionUrlRequestEvent(method, { body: JSON.stringify(body) });

/** An EventBridge scheduled event, as the cleanup rule sends it. */
export const scheduledEvent = () => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: {},
});
