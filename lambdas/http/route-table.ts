import { OPERATIONS, type OperationName } from '../contract/operations/index.js';

export { COMPAT_PATH_PREFIX, isCompatPath } from './compat-path.js';

type Spec = (typeof OPERATIONS)[number];
type OriginalEntry = Extract<Spec, { original: unknown }>['original']['entry'];
type RestEntry = Extract<Spec, { rest: unknown }>['name'];

/**
 * One REST route as plain data, derived from the operation list
 * (lambdas/contract/operations), so the CDK app can read it without the handlers.
 * `routes.ts` pairs each row with its handler.
 */
export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The Lambda function that serves it: `lambdas/http/<entry>.ts`. */
  readonly entry: RestEntry | OriginalEntry;
  /** The operation it serves, and as which of its surfaces. */
  readonly operation: OperationName;
  readonly surface: 'rest' | 'original';
  /** The largest request body, when larger than the usual 64 KiB. */
  readonly maxBodyBytes?: number;
}

/** Every REST route: the modern ones, then the original DraftStore (Go) API's. */
export const ROUTE_TABLE: readonly RouteSpec[] = [
  ...OPERATIONS.flatMap((spec): RouteSpec[] =>
    'rest' in spec
      ? [
          {
            method: spec.rest.method,
            path: spec.rest.path,
            entry: spec.name,
            operation: spec.name,
            surface: 'rest',
            ...(spec.rest.maxBodyBytes !== undefined && { maxBodyBytes: spec.rest.maxBodyBytes }),
          },
        ]
      : [],
  ),
  ...OPERATIONS.flatMap((spec): RouteSpec[] =>
    'original' in spec
      ? [
          {
            method: 'POST',
            path: spec.original.path,
            entry: spec.original.entry,
            operation: spec.name,
            surface: 'original',
          },
        ]
      : [],
  ),
];
