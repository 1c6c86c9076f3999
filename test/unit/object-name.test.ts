import { DraftError } from '../../lambdas/core/errors.js';
import { ownedKey, ownerSegment } from '../../lambdas/core/object-name.js';

const rejection = (name: string): DraftError => {
  try {
    ownedKey('anonymous', name);
  } catch (error) {
    return error as DraftError;
  }
  throw new Error(`"${name}" was accepted`);
};

describe('ownedKey', () => {
  it('prefixes the name with the owner segment', () => {
    expect(ownedKey('alice', 'photos/cat.png')).toEqual({
      name: 'photos/cat.png',
      key: 'alice/photos/cat.png',
    });
  });

  it('keeps spaces, unicode and URL-special characters verbatim', () => {
    const name = 'a b+#?%&=é😀.txt';
    expect(ownedKey('anonymous', name).key).toBe(`anonymous/${name}`);
  });

  it('normalises to NFC so two spellings of a name are one object', () => {
    const decomposed = 'cafe\u0301.txt';
    expect(ownedKey('o', decomposed).name).toBe('caf\u00e9.txt');
  });

  it.each([
    ['an empty name', ''],
    ['a leading slash', '/etc/passwd'],
    ['a double slash', 'a//b'],
    ['a trailing slash', 'dir/'],
    ['a dot segment', 'a/./b'],
    ['a dot-dot segment', '../other-owner/secret'],
    ['a bare dot-dot', '..'],
    ['a backslash', 'a\\b'],
    ['a NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['a DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a lone surrogate', 'a\ud800b'],
  ])('rejects %s', (_label, name) => {
    const error = rejection(name);
    expect(error).toBeInstanceOf(DraftError);
    expect(error.code).toBe('invalid_object_name');
  });

  it('accepts a key of exactly 1024 bytes and rejects 1025', () => {
    const owner = 'anonymous';
    // 4 segments of 250 bytes + separators keep each segment under the 255-byte limit.
    const room = 1024 - owner.length - 1;
    const segment = 'x'.repeat(250);
    const base = [segment, segment, segment, segment].join('/');
    const exact = `${base}/${'y'.repeat(room - base.length - 1)}`;
    expect(Buffer.byteLength(ownedKey(owner, exact).key)).toBe(1024);
    expect(rejection(`${exact}y`).message).toMatch(/too long/);
  });

  it('counts bytes, not characters', () => {
    const twoByteSegment = 'é'.repeat(128); // 256 bytes
    expect(rejection(twoByteSegment).message).toMatch(/at most 255 bytes/);
  });
});

describe('ownerSegment', () => {
  it('is anonymous without a principal', () => {
    expect(ownerSegment(undefined)).toBe('anonymous');
  });

  it('percent-encodes principals so they cannot add segments', () => {
    expect(ownerSegment('auth0|abc/def')).toBe('auth0%7Cabc%2Fdef');
  });

  it.each(['', '.', '..', 'anonymous', 'a\ud800'])(
    'refuses the unusable principal "%s"',
    (principal) => {
      expect(() => ownerSegment(principal)).toThrow(
        expect.objectContaining({ code: 'unauthenticated' }) as DraftError,
      );
    },
  );

  it('replaces a principal too long for one segment by a stable hash that cannot collide', () => {
    const long = '名'.repeat(29); // 261 bytes once percent-encoded
    const segment = ownerSegment(long);
    expect(segment).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(ownerSegment(long)).toBe(segment);
    expect(ownerSegment('名'.repeat(28))).toBe(encodeURIComponent('名'.repeat(28)));
    expect(() => ownedKey(segment, 'a.txt')).not.toThrow();
  });
});
