import { UploadTokens, type UploadClaims } from '../../../lambdas/core/upload-token.js';
import type { SigningKeySource } from '../../../lambdas/core/signing-key.js';
import { draftFailure } from '../../helpers/s3-faults.js';

const keyOf = (fill: number): SigningKeySource => ({
  key: async () => new Uint8Array(32).fill(fill),
});

const NOW = new Date('2026-12-02T12:00:00Z');
const claims: UploadClaims = {
  owner: 'alice',
  key: 'alice/videos/big.mp4',
  uploadId: 'upload-1',
  marker: 'marker-1',
  contentLength: 23 * 1024 ** 2,
  partSize: 5 * 1024 ** 2,
  contentType: 'video/mp4',
  expiresAt: new Date('2026-12-03T12:00:00Z'),
};

const tokens = new UploadTokens(keyOf(1), () => NOW);

/** Re-encodes the token's claims after `change`, keeping the original MAC. */
const altered = (token: string, change: (payload: Record<string, unknown>) => void): string => {
  const [body, mac] = token.split('.');
  const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
};

describe('upload tokens', () => {
  it('round-trips every claim', async () => {
    const token = await tokens.sign(claims);
    await expect(tokens.verify(token)).resolves.toEqual(claims);
  });

  it.each([
    ['the owner', (p: Record<string, unknown>) => (p.o = 'mallory')],
    ['the key', (p: Record<string, unknown>) => (p.k = 'alice/other.mp4')],
    ['the upload id', (p: Record<string, unknown>) => (p.u = 'upload-2')],
    ['the declared length', (p: Record<string, unknown>) => (p.l = 1)],
    ['the part size', (p: Record<string, unknown>) => (p.p = 1)],
    ['the type', (p: Record<string, unknown>) => (p.t = 'text/html')],
    ['the expiry', (p: Record<string, unknown>) => (p.e = 4_102_444_800)],
  ])('refuses a token whose %s was changed, with 403 forbidden', async (_field, change) => {
    const token = altered(await tokens.sign(claims), change);
    const error = await draftFailure(tokens.verify(token));
    expect([error.code, error.message]).toEqual([
      'forbidden',
      'upload_token: the signature does not match; the token was altered.',
    ]);
  });

  it('refuses a token signed with another key', async () => {
    const foreign = await new UploadTokens(keyOf(2), () => NOW).sign(claims);
    const error = await draftFailure(tokens.verify(foreign));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/signature does not match/);
  });

  it('refuses a flipped MAC bit, a truncated MAC and garbage', async () => {
    const token = await tokens.sign(claims);
    const [body, mac] = token.split('.') as [string, string];
    const bytes = Buffer.from(mac, 'base64url');
    bytes[0] = bytes[0]! ^ 1;
    for (const bad of [
      `${body}.${bytes.toString('base64url')}`,
      `${body}.${mac.slice(0, 20)}`,
      'not-a-token',
      `${token}.extra`,
      '.abc',
    ]) {
      const error = await draftFailure(tokens.verify(bad));
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(/^upload_token: /);
    }
  });

  it('refuses a token once it expired', async () => {
    const token = await tokens.sign(claims);
    const later = new UploadTokens(keyOf(1), () => claims.expiresAt);
    const error = await draftFailure(later.verify(token));
    expect([error.code, error.message]).toEqual([
      'forbidden',
      'upload_token: expired at 2026-12-03T12:00:00.000Z; start a new multipart upload.',
    ]);
  });

  it('refuses to sign with a key shorter than 32 bytes', async () => {
    const weak = new UploadTokens({ key: async () => new Uint8Array(16) }, () => NOW);
    const error = await draftFailure(weak.sign(claims));
    expect([error.code, error.message]).toEqual([
      'internal',
      'The upload token signing key is too short.',
    ]);
  });
});

describe('unsized upload tokens (the Companion routes)', () => {
  it('round-trip the unsized mark, and a sized token has none', async () => {
    const unsized: UploadClaims = { ...claims, contentLength: 0, partSize: 0, unsized: true };
    await expect(tokens.verify(await tokens.sign(unsized))).resolves.toEqual(unsized);
    expect(await tokens.verify(await tokens.sign(claims))).not.toHaveProperty('unsized');
  });

  it('refuse a sized token edited to look unsized, and a mark of another value', async () => {
    const token = await tokens.sign(claims);
    await expect(tokens.verify(altered(token, (p) => (p.n = 1)))).rejects.toMatchObject({
      code: 'forbidden',
    });
    const unsized = await tokens.sign({ ...claims, unsized: true });
    await expect(tokens.verify(altered(unsized, (p) => (p.n = 2)))).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
