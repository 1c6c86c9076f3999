import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { jest } from '@jest/globals';
import { createJwtVerifier, JwtError } from '../../../lambdas/rpc/jwt.js';

const issuer = 'https://issuer.example';
const audience = 'draftstore';
const now = new Date('2026-01-01T00:00:00Z');
/** Longer than the verifier's cooldown between two requests for the issuer's keys. */
const PAST_THE_COOLDOWN_MS = 31_000;

const keyPair = (kid: string) => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
};

const token = (privateKey: KeyObject, kid: string, sub = 'alice') => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part({
    iss: issuer,
    aud: audience,
    sub,
    exp: now.getTime() / 1000 + 300,
  })}`;
  return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
};

/** A stand-in for the issuer's JWKS endpoint that counts its requests. */
const issuerEndpoint = (answer: () => Response) => {
  const requests: string[] = [];
  const fetchStub = (async (url: string) => {
    requests.push(url);
    return answer();
  }) as unknown as typeof fetch;
  return { requests, fetchStub };
};

const keySet = (keys: unknown[]) =>
  new Response(JSON.stringify({ keys }), { headers: { 'content-type': 'application/json' } });

describe('the JWT verifier against a failing or sloppy issuer', () => {
  beforeEach(() => {
    // Only the wall clock moves under the test's control; timers and I/O stay real.
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
      now,
    });
  });
  afterEach(() => jest.useRealTimers());

  it('asks a failing issuer for its keys at most once per cooldown, however many unknown kids arrive', async () => {
    // Prepare
    const forger = keyPair('forged');
    let failing = true;
    const real = keyPair('k1');
    const endpoint = issuerEndpoint(() =>
      failing ? new Response('upstream error', { status: 500 }) : keySet([real.jwk]),
    );
    const verifyToken = createJwtVerifier({
      issuer,
      audience,
      fetch: endpoint.fetchStub,
      clock: () => now,
    });
    const forgedTokens = (count: number) =>
      Array.from({ length: count }, () => token(forger.privateKey, randomUUID()));

    // Act
    for (const forged of forgedTokens(50)) {
      await expect(verifyToken(forged)).rejects.toBeInstanceOf(JwtError);
    }
    const withinFirstCooldown = endpoint.requests.length;
    jest.setSystemTime(now.getTime() + PAST_THE_COOLDOWN_MS);
    for (const forged of forgedTokens(50)) {
      await expect(verifyToken(forged)).rejects.toBeInstanceOf(JwtError);
    }
    const withinSecondCooldown = endpoint.requests.length - withinFirstCooldown;
    failing = false;
    jest.setSystemTime(now.getTime() + 2 * PAST_THE_COOLDOWN_MS);
    const recovered = await verifyToken(token(real.privateKey, 'k1'));

    // Assess
    expect(withinFirstCooldown).toBe(1);
    expect(withinSecondCooldown).toBe(1);
    expect(recovered).toBe('alice');
    expect(endpoint.requests).toEqual(
      Array.from({ length: 3 }, () => 'https://issuer.example/.well-known/jwks.json'),
    );
  });

  it('skips a malformed key in the set and still verifies tokens signed with the others', async () => {
    // Prepare
    const first = keyPair('k1');
    const second = keyPair('k2');
    const malformed = { kty: 'RSA', kid: 'broken', alg: 'RS256', use: 'sig', n: 12345, e: 'AQAB' };
    const endpoint = issuerEndpoint(() => keySet([first.jwk, malformed, second.jwk]));
    const verifyToken = createJwtVerifier({
      issuer,
      audience,
      fetch: endpoint.fetchStub,
      clock: () => now,
    });

    // Act
    const alice = await verifyToken(token(first.privateKey, 'k1', 'alice'));
    const bob = await verifyToken(token(second.privateKey, 'k2', 'bob'));
    const signedWithTheBrokenKey = verifyToken(token(first.privateKey, 'broken'));

    // Assess
    expect(alice).toBe('alice');
    expect(bob).toBe('bob');
    await expect(signedWithTheBrokenKey).rejects.toBeInstanceOf(JwtError);
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe('the JWT verifier keeps the documented checks', () => {
  const { privateKey, jwk } = keyPair('k1');
  const verifierFor = (leewaySeconds?: number) =>
    createJwtVerifier({
      issuer,
      audience,
      fetch: issuerEndpoint(() => keySet([jwk])).fetchStub,
      clock: () => now,
      ...(leewaySeconds !== undefined && { leewaySeconds }),
    });
  const signed = (header: object, claims: object) => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'RS256', kid: 'k1', ...header })}.${part({
      iss: issuer,
      aud: audience,
      sub: 'alice',
      exp: now.getTime() / 1000 + 300,
      ...claims,
    })}`;
    return `${unsigned}.${sign('RSA-SHA256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
  };
  const seconds = now.getTime() / 1000;

  it('accepts a token expired within the leeway and refuses one expired beyond it', async () => {
    const verifyToken = verifierFor(60);

    await expect(verifyToken(signed({}, { exp: seconds - 59 }))).resolves.toBe('alice');
    await expect(verifyToken(signed({}, { exp: seconds - 60 }))).rejects.toThrow(/expired/);
    await expect(verifyToken(signed({}, { nbf: seconds + 59 }))).resolves.toBe('alice');
    await expect(verifyToken(signed({}, { nbf: seconds + 61 }))).rejects.toThrow(/not valid yet/);
  });

  it('refuses every algorithm but RS256, before it looks for a key', async () => {
    const requests: string[] = [];
    const verifyToken = createJwtVerifier({
      issuer,
      audience,
      fetch: (async (url: string) => {
        requests.push(url);
        return keySet([jwk]);
      }) as unknown as typeof fetch,
      clock: () => now,
    });
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = part({ iss: issuer, aud: audience, sub: 'root', exp: seconds + 300 });
    // An HMAC "signed" with the public key's text: the classic algorithm confusion.
    const hmacHeader = part({ alg: 'HS256', kid: 'k1' });
    const confused = `${hmacHeader}.${claims}.${createHmac('sha256', JSON.stringify(jwk))
      .update(`${hmacHeader}.${claims}`)
      .digest('base64url')}`;

    await expect(verifyToken(confused)).rejects.toThrow('The token must be signed with RS256.');
    await expect(verifyToken(`${part({ alg: 'none' })}.${claims}.`)).rejects.toThrow(JwtError);
    expect(requests).toEqual([]);
  });

  it('refuses a token without a subject or without an expiry', async () => {
    const verifyToken = verifierFor();

    await expect(verifyToken(signed({}, { sub: '' }))).rejects.toThrow(/subject/);
    await expect(verifyToken(signed({}, { sub: 42 }))).rejects.toThrow(/subject/);
    await expect(verifyToken(signed({}, { exp: undefined }))).rejects.toThrow(/expired/);
  });

  it('refuses a token whose base64url is padded or otherwise not strict', async () => {
    const verifyToken = verifierFor();
    const good = signed({}, {});

    await expect(verifyToken(`${good}=`)).rejects.toThrow('The token is not a signed JWT.');
    await expect(verifyToken(good.replace('.', '+.'))).rejects.toThrow(JwtError);
  });
});
