import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Caller } from '../core/draft-service.js';
import { ownerSegment } from '../core/object-name.js';

interface JwtAuthorizerContext {
  authorizer?: { jwt?: { claims?: Record<string, unknown> } };
}

/**
 * The caller as API Gateway's JWT authorizer identified it: its `sub` claim owns the
 * keys. Without an authorizer (auth off) everyone is `anonymous`.
 */
export const callerOf = (event: APIGatewayProxyEventV2): Caller => {
  const context = event.requestContext as APIGatewayProxyEventV2['requestContext'] &
    JwtAuthorizerContext;
  const sub = context.authorizer?.jwt?.claims?.sub;
  return { owner: ownerSegment(typeof sub === 'string' ? sub : undefined) };
};
