import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Caller } from '../core/caller.js';
import { DraftError } from '../core/errors.js';
import { ownerSegment } from '../core/object-name.js';

interface JwtAuthorizerContext {
  authorizer?: { jwt?: { claims?: Record<string, unknown> } };
}

/**
 * The caller as API Gateway's JWT authorizer identified it: its `sub` claim owns the
 * keys. Without an authorizer (auth off) everyone is `anonymous`; a verified token
 * without a subject owns nothing, rather than sharing one space with every such token.
 */
export const callerOf = (event: APIGatewayProxyEventV2): Caller => {
  const context = event.requestContext as APIGatewayProxyEventV2['requestContext'] &
    JwtAuthorizerContext;
  const claims = context.authorizer?.jwt?.claims;
  if (claims === undefined) return { owner: ownerSegment(undefined) };
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') {
    throw new DraftError('unauthenticated', 'The token names no subject (sub).');
  }
  return { owner: ownerSegment(sub) };
};
