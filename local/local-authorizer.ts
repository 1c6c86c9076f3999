import { unverifiedClaims } from './api-gateway-event.js';

/** What the local stand-in for API Gateway's JWT authorizer made of a request. */
export type LocalAuthorization =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'claims'; readonly claims: Record<string, unknown> }
  | { readonly kind: 'rejected'; readonly message: string };

/**
 * No Authorization header is an anonymous caller (auth off). A header that is not a
 * bearer JWT with a JSON payload is refused, as the deployed authorizer refuses it:
 * falling back to anonymous would hand a client that meant to authenticate someone
 * else's (the shared anonymous) space. Signatures are not checked: this runs on a
 * developer's machine only.
 */
export const authorizeLocally = (authorization: string | undefined): LocalAuthorization => {
  if (authorization === undefined || authorization.trim() === '') return { kind: 'anonymous' };
  const claims = unverifiedClaims(authorization);
  if (claims === undefined) {
    return {
      kind: 'rejected',
      message: 'The Authorization header must be "Bearer <JWT>" with a JSON payload.',
    };
  }
  return { kind: 'claims', claims };
};
