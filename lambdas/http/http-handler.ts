import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Services } from '../compose.js';
import type { Caller } from '../core/caller.js';
import type { Stage } from '../core/stage.js';
import { audited, subjectOf, type AuditAction, type AuditOrigin } from '../observability/audit.js';
import { logger } from '../observability/logger.js';
import { bodyLimit } from './body-limit.js';
import { callerOf } from './caller.js';
import { errorResponse, type ErrorBodyFormat } from './error-response.js';
import { jsonBody } from './json-body.js';
import { lambdaContext } from './lambda-context.js';
import { utf8Body } from './utf8-body.js';

export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpEvent = APIGatewayProxyEventV2;
/** Supplies the composed services; called per request, so composition stays lazy. */
export type ServicesResolver = () => Services;

export interface RouteContext {
  readonly caller: Caller;
  /** The client's address, as API Gateway saw it. */
  readonly sourceIp: string;
  readonly services: Services;
}

/** What a route's audit line says: the action, and the name and stage it reads from the raw body. */
export interface RouteAudit {
  readonly action: AuditAction;
  /** Reads the raw body, so that requests the schema refuses are audited too. */
  readonly target: (body: Readonly<Record<string, unknown>>) => {
    readonly name?: unknown;
    readonly stage?: Stage;
  };
}

export interface RouteOptions {
  /** How error bodies look. @default errorBody: `{error: {code, message}}` */
  readonly errorFormat?: ErrorBodyFormat;
  /** Writes one audit line per request (lambdas/observability/audit.ts). */
  readonly audit?: RouteAudit;
  /** The largest request body accepted. @default MAX_BODY_BYTES (64 KiB) */
  readonly maxBodyBytes?: number;
}

/** The request as API Gateway saw it. */
export const originOf = (event: HttpEvent): AuditOrigin => ({
  requestId: event.requestContext.requestId,
  sourceIp: event.requestContext.http.sourceIp,
  userAgent: event.requestContext.http.userAgent,
});

const ownerOf = (event: HttpEvent): string | undefined => {
  try {
    return callerOf(event).owner;
  } catch {
    return undefined;
  }
};

const bodyRecord = (body: unknown): Readonly<Record<string, unknown>> =>
  typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};

/**
 * No early-timeout timer (`timeoutEarlyInMillis: 0`): these handlers finish in milliseconds
 * and have nothing to say in a timeout's last moments, yet the timer costs a setTimeout
 * and a Promise.race on every call. Lambda still enforces the function's timeout.
 */
const baseHandler = (format?: ErrorBodyFormat) =>
  middy<HttpEvent, HttpResult>({ timeoutEarlyInMillis: 0 })
    .use(lambdaContext(logger))
    .use(errorResponse(format));

/**
 * Runs `handle` for `event`, writing the route's audit line when it has one. The target
 * is read from the raw body, so that requests the schema refuses are audited too.
 */
const auditedRun = (
  event: HttpEvent,
  audit: RouteAudit | undefined,
  handle: () => Promise<HttpResult>,
): Promise<HttpResult> => {
  if (audit === undefined) return handle();
  return audited(
    audit.action,
    originOf(event),
    () => {
      const target = audit.target(bodyRecord(event.body));
      return subjectOf(ownerOf(event), target.name, target.stage);
    },
    handle,
  );
};

const routeContext = (event: HttpEvent, resolve: ServicesResolver): RouteContext => ({
  caller: callerOf(event),
  sourceIp: event.requestContext.http.sourceIp,
  services: resolve(),
});

/** A POST route with a JSON body, checked by `schema` before `run` sees it. */
export const jsonRoute =
  <S extends z.ZodMiniType>(
    schema: S,
    run: (input: z.output<S>, context: RouteContext) => Promise<HttpResult>,
    options: RouteOptions = {},
  ) =>
  (resolve: ServicesResolver) =>
    baseHandler(options.errorFormat)
      .use(bodyLimit(options.maxBodyBytes))
      .use(utf8Body())
      .use(jsonBody())
      .handler(async (event) =>
        auditedRun(event, options.audit, async () => {
          const input = schema.parse(event.body);
          return run(input, routeContext(event, resolve));
        }),
      );

/** A route without a body. */
export const plainRoute =
  (run: (context: RouteContext) => Promise<HttpResult>, options: RouteOptions = {}) =>
  (resolve: ServicesResolver) =>
    baseHandler(options.errorFormat).handler(async (event) =>
      auditedRun(event, options.audit, () => run(routeContext(event, resolve))),
    );
