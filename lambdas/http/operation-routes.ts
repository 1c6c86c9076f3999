import type * as z from 'zod/mini';
import type {
  Operation,
  OperationContext,
  OriginalRoute,
  RestRoute,
} from '../contract/operation.js';
import type { Stage } from '../core/stage.js';
import { COMPAT_ROUTE, compatSuccess } from './compat-response.js';
import {
  jsonRoute,
  plainRoute,
  type HttpResult,
  type RouteAudit,
  type RouteContext,
  type RouteOptions,
} from './http-handler.js';
import { jsonResponse } from './json-response.js';

type Body = Readonly<Record<string, unknown>>;

const stageIn = (body: Body, unset: Stage): Stage =>
  body.stage === 'draft' || body.stage === 'main' ? body.stage : unset;

/** The operation's audit, read from a raw JSON body, so that refused requests are audited too. */
export const routeAuditOf = (operation: Operation): RouteAudit | undefined => {
  const { audit } = operation;
  if (audit === undefined) return undefined;
  const { about, stage } = audit;
  return {
    action: audit.action,
    target: (body) => ({
      name:
        about === undefined
          ? body.object_name
          : about === 'prefix'
            ? typeof body.prefix === 'string'
              ? body.prefix
              : ''
            : undefined,
      ...(stage !== undefined && {
        stage: typeof stage === 'string' ? stage : stageIn(body, stage.unset),
      }),
    }),
  };
};

/** What an operation runs with in a REST handler. */
const operationContext = ({ caller, services }: RouteContext): OperationContext => ({
  caller,
  drafts: services.drafts,
  objects: services.objects,
  multipart: services.multipart,
  accounts: services.accounts,
});

/** The route's audit options, from its operation. */
const auditOptions = (operation: Operation, options: RouteOptions): RouteOptions => {
  const audit = routeAuditOf(operation);
  return { ...options, ...(audit && { audit }) };
};

/** The JSON request of a route served by a body-reading handler. */
const requestOf = (route: RestRoute | OriginalRoute): z.ZodMiniType => {
  if (route.request === undefined) {
    throw new Error(`${route.path} reads no body: serve it with a plain handler`);
  }
  return route.request;
};

/**
 * The handler of an operation's REST route with a JSON body: `{error}` errors, its typed
 * JSON answer. Routes without a body use plainRestHandler, so their bundles leave the body
 * parsing out.
 */
export const restHandler = (route: RestRoute) =>
  jsonRoute(
    requestOf(route),
    async (input, context) =>
      restAnswer(route, await route.operation.call(operationContext(context), input)),
    auditOptions(route.operation, {
      ...(route.maxBodyBytes !== undefined && { maxBodyBytes: route.maxBodyBytes }),
    }),
  );

/** The handler of an operation's REST route without a body. */
export const plainRestHandler = (route: RestRoute) =>
  plainRoute(
    async (context) =>
      restAnswer(route, await route.operation.call(operationContext(context), undefined)),
    auditOptions(route.operation, {}),
  );

const restAnswer = (route: RestRoute, result: unknown): HttpResult =>
  jsonResponse(route.status?.(result) ?? 200, route.answer(result));

/** The handler of an operation's original route: its own request, `{"result": ...}` answers. */
export const originalHandler = (route: OriginalRoute) =>
  jsonRoute(
    requestOf(route),
    async (input, context) =>
      compatSuccess(
        route.answer(
          await route.operation.call(operationContext(context), route.toInput?.(input) ?? input),
        ),
      ),
    auditOptions(route.operation, COMPAT_ROUTE),
  );

/** The handler of an operation's original route without a body. */
export const plainOriginalHandler = (route: OriginalRoute) =>
  plainRoute(
    async (context) =>
      compatSuccess(route.answer(await route.operation.call(operationContext(context), undefined))),
    auditOptions(route.operation, COMPAT_ROUTE),
  );
