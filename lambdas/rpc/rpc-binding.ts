import type { ServiceImpl } from '@connectrpc/connect';
import type {
  InputOf,
  Operation,
  OperationContext,
  ResultOf,
  RpcMethod,
} from '../contract/operation.js';
import { runOperation } from '../contract/run-operation.js';
import type { DraftService } from '../gen/draft/v1/draft_pb.js';

type Impl = ServiceImpl<typeof DraftService>;
type RpcRequest<M extends RpcMethod> = Parameters<Impl[M]>[0];
type RpcAnswer<M extends RpcMethod> = Awaited<ReturnType<Impl[M]>>;

/** One draft.v1 method serving one operation: protobuf in, the operation, protobuf out. */
export interface RpcBinding<M extends RpcMethod = RpcMethod> {
  readonly operation: Operation;
  /** Runs the operation for one call; `bindRpc` types its answer as the method's. */
  readonly handle: (request: RpcRequest<M>, context: OperationContext) => Promise<unknown>;
}

/** Every draft.v1 method's binding: the type refuses a method without one. */
export type RpcBindings = { readonly [M in RpcMethod]: RpcBinding<M> };

/**
 * Binds `operation` to its draft.v1 method: `decode` reads the message as the operation's
 * request (with draft.v1's own checks), the operation maps it to the domain and calls it
 * under its rate limit (the same mapping and limit REST uses), and `encode` writes the answer.
 */
export const bindRpc = <M extends RpcMethod, Op extends Operation>(
  operation: Op,
  decode: (request: RpcRequest<M>) => InputOf<Op>,
  encode: (result: ResultOf<Op>) => RpcAnswer<M>,
): RpcBinding<M> => ({
  operation,
  handle: async (request, context) =>
    encode(await runOperation(operation, context, decode(request))),
});
