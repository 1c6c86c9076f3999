import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { logger } from '../lambdas/observability/logger.js';
import { localContext } from './api-gateway-event.js';

/**
 * Lambda runs one request per process at a time, so Powertools keeps the Lambda context
 * (function name, request id) in process-wide state; the local runtime serves many
 * requests at once, and they would overwrite each other's. With
 * AWS_LAMBDA_MAX_CONCURRENCY set, as on Lambda Managed Instances (which run concurrent
 * invocations too), Powertools keeps that state per invocation in the InvokeStore, an
 * AsyncLocalStorage: each local request or sweep runs in one invocation of its own.
 */
let store: Promise<InvokeStoreBase> | undefined;
const invokeStore = (): Promise<InvokeStoreBase> => {
  process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  return (store ??= InvokeStore.getInstanceAsync(true));
};

/**
 * Runs `work` as one invocation of `functionName` (with a fresh request id unless one is
 * given): everything it logs, also after awaits, carries that function name and request
 * id, and nothing else's.
 */
export const inInvocation = async <T>(
  functionName: string,
  work: (context: Context) => Promise<T> | T,
  requestId: string = randomUUID(),
): Promise<T> => {
  const context = localContext(functionName, requestId);
  const scope = await invokeStore();
  return scope.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId }, async () => {
    logger.addContext(context);
    return work(context);
  });
};
