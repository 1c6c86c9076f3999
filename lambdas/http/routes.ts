import type { Context } from 'aws-lambda';
import { OPERATIONS } from '../contract/operations/index.js';
import type { HttpEvent, HttpResult, ServicesResolver } from './http-handler.js';
import type { OriginalRoute, RestRoute } from '../contract/operation.js';
import {
  originalHandler,
  plainOriginalHandler,
  plainRestHandler,
  restHandler,
} from './operation-routes.js';
import { ROUTE_TABLE, type RouteSpec } from './route-table.js';

export interface Route extends RouteSpec {
  readonly create: (
    resolve: ServicesResolver,
  ) => (event: HttpEvent, context: Context) => Promise<HttpResult>;
}

const restRoute = (route: RestRoute): Route['create'] =>
  route.request ? restHandler(route) : plainRestHandler(route);

const originalRoute = (route: OriginalRoute): Route['create'] =>
  route.request ? originalHandler(route) : plainOriginalHandler(route);

const CREATE = new Map<string, Route['create']>(
  OPERATIONS.flatMap((spec) => [
    ...('rest' in spec ? [[spec.name, restRoute(spec.rest)] as const] : []),
    ...('original' in spec ? [[spec.original.entry, originalRoute(spec.original)] as const] : []),
  ]),
);

/**
 * The REST API, derived from the operation list: one table (route-table.ts) shared by the
 * local runtime and the CDK stack, each row with the handler its Lambda entry serves.
 */
export const ROUTES: readonly Route[] = ROUTE_TABLE.map((spec) => ({
  ...spec,
  create: CREATE.get(spec.entry)!,
}));
