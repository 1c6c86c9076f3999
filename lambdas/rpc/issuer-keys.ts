import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  type FetchImplementation,
  type JWTVerifyGetKey,
} from 'jose';
import { JwtError } from './jwt-error.js';

export interface IssuerKeysOptions {
  /** Where the issuer publishes its JSON Web Key Set. */
  readonly jwksUrl: string;
  /** How long a fetched key set is trusted before it is fetched again. */
  readonly cacheSeconds: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/**
 * At most one request to the issuer per cooldown, whatever its outcome: a token with an
 * unknown `kid` may fetch the set again (key rotation), but forged ones cannot turn the
 * function into a load generator against an issuer that is failing.
 */
const COOLDOWN_MS = 30_000;
/** A hung issuer must not hold every request until the Lambda times out. */
const TIMEOUT_MS = 5000;

const spacedOut = (fetchFn: typeof fetch): FetchImplementation => {
  let lastRequestAt = -Infinity;
  return async (url, init) => {
    const now = Date.now();
    if (now - lastRequestAt < COOLDOWN_MS) {
      throw new JwtError("The issuer's keys are unavailable; they are fetched again shortly.");
    }
    lastRequestAt = now;
    return fetchFn(url, init);
  };
};

/**
 * The issuer's signing keys, as jose resolves them from its JWKS: cached for
 * `cacheSeconds`, refetched on an unknown `kid` after the cooldown, each key imported only
 * when a token names it (so one malformed key spoils only the tokens signed with it).
 */
export const issuerKeys = (options: IssuerKeysOptions): JWTVerifyGetKey => {
  const remote = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: options.cacheSeconds * 1000,
    cooldownDuration: COOLDOWN_MS,
    timeoutDuration: TIMEOUT_MS,
    [customFetch]: spacedOut(options.fetch ?? globalThis.fetch),
  });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      // Keys out of date only because the issuer could not be reached are still its keys.
      const before = remote.fresh ? undefined : remote.jwks();
      if (before === undefined) throw error;
      return createLocalJWKSet(before)(header, token);
    }
  };
};
