import { DraftStoreError } from './errors.js';
import type { PutResponse } from './transport.js';

const tag = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** An S3 error answer as a DraftStoreError with the store's own code (`SlowDown`, …). */
export const storeError = (response: PutResponse): DraftStoreError => {
  const code = tag(response.body, 'Code') ?? `http_${response.status}`;
  const message =
    tag(response.body, 'Message') || `The store refused the PUT (${response.status}).`;
  return new DraftStoreError(response.status, code, message);
};

/**
 * A 403 for a URL past its expiry. S3 says "Request has expired"; stores that only say
 * AccessDenied are recognised by the expiry the API gave with the URL.
 */
export const isExpiredUrl = (response: PutResponse, expiresAt: number, now: number): boolean =>
  response.status === 403 && (/expired/i.test(response.body) || now >= expiresAt);
