import type * as z from 'zod/mini';
import type { Caller } from '../core/caller.js';
import type { DraftService } from '../core/draft-service.js';
import type { Stage } from '../core/stage.js';
import type { MultipartService } from '../core/multipart-service.js';
import type { ObjectCatalog } from '../core/object-catalog.js';
import type { UsageAccounts } from '../core/usage-accounts.js';
import type { DraftService as DraftRpcService } from '../gen/draft/v1/draft_pb.js';
import type { AuditAction } from '../observability/audit.js';

/**
 * One operation of DraftStore, declared once in `contract/operations/<name>.ts` as an
 * `OperationSpec`: the domain call and its audit (`Operation`, what every surface shares),
 * its REST route, its route in the original API and its draft.v1 method. REST, the original
 * routes, draft.v1, the OpenAPI document, the local router and the CDK function table are
 * all derived from the list in `operations/index.ts`.
 *
 * The parts are separate objects so that each Lambda bundle takes only what it serves: the
 * Connect bundle carries no JSON answers, a REST bundle no other route.
 */
export interface OperationSpec<
  Name extends string = string,
  Op extends Operation = Operation,
  Rpc extends RpcMethod = RpcMethod,
> {
  /** Kebab-case, as the file; also the REST route's Lambda entry, `lambdas/http/<name>.ts`. */
  readonly name: Name;
  readonly operation: Op;
  readonly rest?: RestRoute<Op>;
  readonly original?: OriginalRoute<Op>;
  /** The draft.v1.DraftService method that serves it (bound in lambdas/rpc/draft-rpcs.ts). */
  readonly rpc?: Rpc;
  /** Why the operation writes no audit line, when its `audit` is absent. */
  readonly unaudited?: string;
}

/** What every surface of an operation shares: its domain call and its audit. */
export interface Operation<In = unknown, Res = unknown> {
  /** What its audit line says, on every surface; absent only with the spec's `unaudited`. */
  readonly audit?: OperationAudit;
  /**
   * The domain call, with the one mapping from the request's fields to the domain's
   * request. (A method, so that any operation is an `Operation`.)
   */
  call(context: OperationContext, input: In): Promise<Res>;
}

/**
 * What an operation's domain call runs with: the caller and the domain services, each of
 * which a surface may resolve on first use.
 */
export interface OperationContext {
  readonly caller: Caller;
  readonly drafts: DraftService;
  readonly objects: ObjectCatalog;
  readonly multipart: MultipartService;
  /** Per-owner usage and quotas. */
  readonly accounts: UsageAccounts;
}

/** A draft.v1.DraftService method, by its local (camelCase) name. */
export type RpcMethod = keyof typeof DraftRpcService.method;

/**
 * What an operation's audit line is about. Every surface reads it from its own wire form
 * (a JSON body, a protobuf message), before the request is checked, so refused requests
 * are audited too.
 */
export interface OperationAudit {
  readonly action: AuditAction;
  /** The object the request names, the listing's prefix, or the service itself. @default object */
  readonly about?: 'prefix' | 'service';
  /** The bucket: always this one, or the request's `stage` with `unset` when it names none. */
  readonly stage?: Stage | { readonly unset: Stage };
}

/** What an operation reads: its JSON request, as the domain call maps it. */
export type InputOf<Op extends Operation> = Parameters<Op['call']>[1];

/** What an operation's domain call answers. */
export type ResultOf<Op extends Operation> = Awaited<ReturnType<Op['call']>>;

/**
 * The REST route of an operation, answering JSON of the answer schema `Answer` (from
 * lambdas/contract): a handler that drifts from it fails `tsc`. Declared as a typed
 * object (no call), so a bundle that does not serve it leaves it out.
 */
export interface RestRoute<
  Op extends Operation = Operation,
  Answer extends z.ZodMiniType = z.ZodMiniType,
> {
  readonly operation: Op;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The JSON request; absent for routes that read no body. */
  readonly request?: z.ZodMiniType<InputOf<Op>>;
  /** The largest request body, when larger than the usual 64 KiB. */
  readonly maxBodyBytes?: number;
  answer(result: ResultOf<Op>): z.output<Answer>;
  /** The status of a successful answer. @default 200 */
  status?(result: ResultOf<Op>): number;
}

/**
 * The operation's route in the original DraftStore (Go) REST API, under /api/v1/draft/:
 * its own lenient request, and `{"result":{"success":true}, ...answer}` where `Answer` is
 * the original answer schema.
 */
export interface OriginalRoute<
  Op extends Operation = Operation,
  Answer extends z.ZodMiniType = z.ZodMiniType,
  Entry extends `compat-${string}` = `compat-${string}`,
  OriginalIn = unknown,
> {
  readonly operation: Op;
  readonly path: string;
  /** Its Lambda entry, `lambdas/http/<entry>.ts`. */
  readonly entry: Entry;
  /** The original request; absent for routes that read no body. */
  readonly request?: z.ZodMiniType<OriginalIn>;
  /** How the original request reads as the operation's. @default the request itself */
  toInput?(input: OriginalIn): InputOf<Op>;
  answer(result: ResultOf<Op>): Omit<z.output<Answer>, 'result'>;
}
