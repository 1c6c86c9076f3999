import { randomUUID } from 'node:crypto';
import { createContextKey, type ContextValues } from '@connectrpc/connect';
import type { Caller } from '../core/caller.js';
import { ownerSegment } from '../core/object-name.js';
import type { AuditOrigin } from '../observability/audit.js';

/**
 * The authenticated principal of a call, set by the adapter that verified it (for
 * example the `sub` of a verified JWT). Unset means anonymous, as with REST.
 */
export const principalKey = createContextKey<string | undefined>(undefined, {
  description: 'authenticated principal',
});

/**
 * Where the request came from, set by the adapter that received it (the function URL's
 * request context, the local server's socket). Unset, it is read from the headers.
 */
export const requestOriginKey = createContextKey<AuditOrigin | undefined>(undefined, {
  description: 'request origin for the audit trail',
});

/** The caller a call's principal names. */
export const callerOf = (values: ContextValues): Caller => ({
  owner: ownerSegment(values.get(principalKey)),
});

/** The owner of a call for its audit line, or nothing when the principal owns nothing. */
export const ownerOf = (values: ContextValues): string | undefined => {
  try {
    return callerOf(values).owner;
  } catch {
    return undefined;
  }
};

/** Where a call came from, as its adapter saw it, or else as its headers say. */
export const originOf = (values: ContextValues, headers: Headers): AuditOrigin =>
  values.get(requestOriginKey) ?? {
    requestId: headers.get('x-request-id') ?? randomUUID(),
    userAgent: headers.get('user-agent') ?? '',
  };
