import type { InputOf, Operation, OperationContext, ResultOf } from './operation.js';

/**
 * Runs an operation for one request, as every surface does (REST, the original routes,
 * draft.v1): first its rate limit, then its domain call. A refused request does nothing.
 */
export const runOperation = async <Op extends Operation>(
  operation: Op,
  context: OperationContext,
  input: InputOf<Op>,
): Promise<ResultOf<Op>> => {
  await context.limits.admit(operation.rateLimit, context);
  return (await operation.call(context, input)) as ResultOf<Op>;
};
