import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';

/**
 * Puts the invocation's Lambda context (request id, function, cold start) on every log
 * line. Powertools' injectLambdaContext does this too, but also re-evaluates debug
 * sampling, copies middy's internal state and resets appended keys on every call: work
 * for features these handlers do not use (no sampling rate, no appendKeys), and several
 * times the cost of addContext alone.
 */
export const lambdaContext = (logger: Pick<Logger, 'addContext'>): MiddlewareObj => {
  const lambdaContextBefore: MiddlewareObj['before'] = (request) => {
    logger.addContext(request.context);
  };
  return { before: lambdaContextBefore };
};
