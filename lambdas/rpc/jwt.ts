import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface JwtVerifierOptions {
  /** The `iss` every token must carry; the keys come from `${issuer}/.well-known/jwks.json`. */
  readonly issuer: string;
  /** The audiences accepted: a token's `aud` must be (or include) one of them. A comma list. */
  readonly audience: string;
  /** @default `${issuer}/.well-known/jwks.json` */
  readonly jwksUrl?: string;
  /** How long fetched keys are trusted. @default 600 */
  readonly cacheSeconds?: number;
  /** Slack for exp and nbf, for clock skew. @default 60 */
  readonly leewaySeconds?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default () => new Date() */
  readonly clock?: () => Date;
}

/** A token that is missing, malformed, badly signed, expired or meant for someone else. */
export class JwtError extends Error {
  override readonly name = 'JwtError';
}

/** Verifies a bearer token and answers its `sub`. */
export type JwtVerifier = (token: string) => Promise<string>;

interface Jwk {
  kty?: string;
  kid?: string;
  use?: string;
  alg?: string;
  n?: string;
  e?: string;
}

/** An unknown `kid` refetches the key set, but no more often than this. */
const MIN_REFETCH_MS = 30_000;

/** The key named by `kid`; a token without one may use a set's only key. */
const pick = (keys: Map<string, KeyObject> | undefined, kid: string): KeyObject | undefined =>
  keys?.get(kid) ?? (kid === '' && keys?.size === 1 ? [...keys.values()][0] : undefined);

const decodePart = (part: string, what: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new JwtError(`The token's ${what} is not a JSON object.`);
};

/**
 * An RS256 JWT verifier over the issuer's JWKS, with node:crypto and fetch only. Keys
 * are cached for `cacheSeconds`; a token signed with a key not yet seen refetches them
 * (rate-limited), so key rotation needs no restart.
 */
/** How long one fetch of the issuer's key set may take. */
const JWKS_TIMEOUT_MS = 5000;

export const createJwtVerifier = (options: JwtVerifierOptions): JwtVerifier => {
  const issuer = options.issuer;
  const jwksUrl = options.jwksUrl ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
  const cacheMs = (options.cacheSeconds ?? 600) * 1000;
  const leeway = options.leewaySeconds ?? 60;
  const accepted = new Set(
    options.audience
      .split(',')
      .map((audience) => audience.trim())
      .filter((audience) => audience !== ''),
  );
  const fetchFn = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? (() => new Date());

  let keys: Map<string, KeyObject> | undefined;
  let fetchedAt = 0;
  let inFlight: Promise<Map<string, KeyObject>> | undefined;

  const loadKeys = async (): Promise<Map<string, KeyObject>> => {
    // A hung identity provider must not hold every request until the Lambda times out.
    const response = await fetchFn(jwksUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
    });
    if (!response.ok) throw new JwtError(`The issuer's key set answered ${response.status}.`);
    const body = (await response.json()) as { keys?: Jwk[] };
    const loaded = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) {
      if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
      if (!jwk.n || !jwk.e) continue;
      loaded.set(
        jwk.kid ?? '',
        createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }),
      );
    }
    keys = loaded;
    fetchedAt = Date.now();
    return loaded;
  };

  const keyFor = async (kid: string): Promise<KeyObject> => {
    const fresh = keys !== undefined && Date.now() - fetchedAt < cacheMs;
    const known = fresh ? pick(keys, kid) : undefined;
    if (known) return known;
    if (!fresh || Date.now() - fetchedAt >= MIN_REFETCH_MS) {
      inFlight ??= loadKeys().finally(() => (inFlight = undefined));
      let loaded: Map<string, KeyObject>;
      try {
        loaded = await inFlight;
      } catch (error) {
        // The issuer is unreachable: keys it served before are still its keys.
        const stale = keys && pick(keys, kid);
        if (stale) return stale;
        throw error;
      }
      const key = pick(loaded, kid);
      if (key) return key;
    }
    throw new JwtError('The token was signed with an unknown key.');
  };

  return async (token) => {
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
      throw new JwtError('The token is not a signed JWT.');
    }
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodePart(headerPart, 'header');
    if (header.alg !== 'RS256') throw new JwtError('The token must be signed with RS256.');
    const key = await keyFor(typeof header.kid === 'string' ? header.kid : '');
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      key,
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!signed) throw new JwtError('The token signature is invalid.');

    const claims = decodePart(payloadPart, 'payload');
    const now = clock().getTime() / 1000;
    if (claims.iss !== issuer) throw new JwtError('The token was issued by someone else.');
    // Cognito access tokens name their app client in `client_id` and carry no `aud`;
    // API Gateway's JWT authorizer accepts either, and so does this check.
    const audiences =
      claims.aud === undefined
        ? [claims.client_id]
        : Array.isArray(claims.aud)
          ? claims.aud
          : [claims.aud];
    if (!audiences.some((audience) => accepted.has(audience as string)))
      throw new JwtError('The token is meant for another audience.');
    if (typeof claims.exp !== 'number' || claims.exp + leeway <= now)
      throw new JwtError('The token has expired.');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - leeway > now))
      throw new JwtError('The token is not valid yet.');
    if (typeof claims.sub !== 'string' || claims.sub === '')
      throw new JwtError('The token names no subject.');
    return claims.sub;
  };
};

/**
 * The verifier for JWT_ISSUER and JWT_AUDIENCE, or `undefined` when neither is set
 * (callers are then anonymous). Setting only one is a configuration error.
 */
export const jwtVerifierFromEnvironment = (
  env: NodeJS.ProcessEnv = process.env,
): JwtVerifier | undefined => {
  const issuer = env.JWT_ISSUER?.trim() ?? '';
  // A comma list, as API Gateway's JWT authorizer takes several audiences.
  const audience = env.JWT_AUDIENCE?.trim() ?? '';
  if (issuer === '' && audience === '') return undefined;
  if (issuer === '' || audience === '') {
    throw new Error(
      `JWT_ISSUER and JWT_AUDIENCE must be set together; ${issuer === '' ? 'JWT_ISSUER' : 'JWT_AUDIENCE'} is missing.`,
    );
  }
  if (!/^https:\/\//.test(issuer) && !/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?/.test(issuer)) {
    throw new Error(`JWT_ISSUER must be an https:// URL, got "${issuer}".`);
  }
  return createJwtVerifier({ issuer, audience });
};
