import { jwtVerify, type JWTPayload } from 'jose';
import { issuerKeys } from './issuer-keys.js';
import { JwtError } from './jwt-error.js';

export { JwtError } from './jwt-error.js';

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

/** Verifies a bearer token and answers its `sub`. */
export type JwtVerifier = (token: string) => Promise<string>;

/** Compact JWS in strict base64url: no padding, no whitespace, nothing else to normalise. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** jose's refusals, by error code, in the words the 401 answers have always used. */
const REFUSALS: Readonly<Record<string, string>> = {
  ERR_JWS_INVALID: 'The token is not a signed JWT.',
  ERR_JWT_INVALID: 'The token is not a signed JWT.',
  ERR_JOSE_ALG_NOT_ALLOWED: 'The token must be signed with RS256.',
  ERR_JWKS_NO_MATCHING_KEY: 'The token was signed with an unknown key.',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'The token names no key, and the issuer has several.',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'The token signature is invalid.',
  ERR_JWT_EXPIRED: 'The token has expired.',
};
const CLAIM_REFUSALS: Readonly<Record<string, string>> = {
  iss: 'The token was issued by someone else.',
  exp: 'The token has expired.',
  nbf: 'The token is not valid yet.',
};

const refusal = (error: unknown): JwtError => {
  if (error instanceof JwtError) return error;
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  const message =
    code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
      ? CLAIM_REFUSALS[String(claim)]
      : REFUSALS[String(code)];
  return new JwtError(message ?? 'The token could not be verified.', { cause: error });
};

/**
 * Cognito access tokens name their app client in `client_id` and carry no `aud`; API
 * Gateway's JWT authorizer accepts either, and so does this check.
 */
const audiencesOf = (claims: JWTPayload): unknown[] =>
  claims.aud === undefined ? [claims.client_id] : [claims.aud].flat();

/**
 * An RS256 JWT verifier over the issuer's JWKS, with jose: signature first, then issuer,
 * expiry and not-before (with the leeway), then audience and subject.
 */
export const createJwtVerifier = (options: JwtVerifierOptions): JwtVerifier => {
  const { issuer } = options;
  const keys = issuerKeys({
    jwksUrl: options.jwksUrl ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
    cacheSeconds: options.cacheSeconds ?? 600,
    ...(options.fetch && { fetch: options.fetch }),
  });
  const accepted = new Set(
    options.audience
      .split(',')
      .map((audience) => audience.trim())
      .filter((audience) => audience !== ''),
  );
  const clock = options.clock ?? (() => new Date());
  const leeway = options.leewaySeconds ?? 60;

  return async (token) => {
    if (!COMPACT_JWS.test(token)) throw new JwtError('The token is not a signed JWT.');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        algorithms: ['RS256'],
        issuer,
        requiredClaims: ['exp'],
        clockTolerance: leeway,
        currentDate: clock(),
      }));
    } catch (error) {
      throw refusal(error);
    }
    if (!audiencesOf(claims).some((audience) => accepted.has(audience as string)))
      throw new JwtError('The token is meant for another audience.');
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
