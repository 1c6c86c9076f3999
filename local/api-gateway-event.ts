import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

const TEXT_TYPES = /^(application\/(json|xml|x-www-form-urlencoded)|text\/)|\+json\b|\+xml\b/i;

/**
 * Reads the `sub`-bearing claims of a bearer JWT *without verifying it*. This stands
 * in for API Gateway's JWT authorizer on a developer's machine only: the deployed
 * API verifies tokens before the handlers run.
 */
export const unverifiedClaims = (
  authorization: string | undefined,
): Record<string, unknown> | undefined => {
  const match = /^Bearer\s+([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/i.exec(
    authorization ?? '',
  );
  if (!match?.[2]) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(match[2], 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/** Builds the HTTP API (payload format 2.0) event that API Gateway would send for this request. */
export const toApiGatewayEvent = (
  request: IncomingMessage,
  body: Buffer,
  routeKey: string,
  options: { emulateJwtAuthorizer: boolean },
): APIGatewayProxyEventV2 => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  // Bytes that are not UTF-8 travel as base64, so the handler sees them as sent.
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '') && isUtf8(body);
  const claims = options.emulateJwtAuthorizer ? unverifiedClaims(headers.authorization) : undefined;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(request.headers.cookie && { cookies: request.headers.cookie.split(/;\s*/) }),
    ...(url.search && { queryStringParameters: query }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(claims && { authorizer: { jwt: { claims, scopes: [] } } }),
    } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: body.length > 0 && !isText,
    ...(body.length > 0 && { body: isText ? body.toString('utf8') : body.toString('base64') }),
  };
  return event;
};

/** A Lambda context for one local invocation. */
export const localContext = (
  functionName: string,
  requestId: string,
  timeoutMs = 30_000,
): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};
