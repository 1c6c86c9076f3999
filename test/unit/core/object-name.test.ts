import { DraftError } from '../../../lambdas/core/errors.js';
import { ownedKey, ownerSegment, type NamePolicy } from '../../../lambdas/core/object-name.js';

const rejection = (name: string, policy?: NamePolicy): DraftError => {
  try {
    ownedKey('anonymous', name, policy);
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
    expect(error.message).toMatch(/^object_name /);
  });

  it.each([
    ['a C0 control (Cc)', 'a\u0007.txt', 'U+0007'],
    ['a C1 control (Cc)', 'a\u0085.txt', 'U+0085'],
    ['a zero-width space (Cf)', 'a\u200b.txt', 'U+200B'],
    ['a byte-order mark (Cf)', '\ufeffa.txt', 'U+FEFF'],
    ['a right-to-left override (Cf)', 'a\u202etxt.exe', 'U+202E'],
    ['a soft hyphen (Cf)', 'in\u00advisible.txt', 'U+00AD'],
    ['a zero-width joiner (Cf), even between emoji', '\u{1F468}\u200d\u{1F469}.png', 'U+200D'],
    ['a private-use character (Co)', 'a\ue000.txt', 'U+E000'],
    ['a supplementary private-use character (Co)', 'a\u{F0000}.txt', 'U+F0000'],
    ['the noncharacter U+FFFF (Cn)', 'a\uffff.txt', 'U+FFFF'],
    ['an unassigned code point (Cn)', 'a\u0378.txt', 'U+0378'],
    ['a line separator (Zl)', 'a\u2028b.txt', 'U+2028'],
    ['a paragraph separator (Zp)', 'a\u2029b.txt', 'U+2029'],
  ])('refuses %s with invalid_object_name naming the code point', (_label, name, point) => {
    const error = rejection(name);
    expect(error.code).toBe('invalid_object_name');
    expect(error.message).toBe(
      `object_name must not contain ${point}: control, format, private-use, unassigned and line or paragraph separator characters are refused.`,
    );
  });

  it.each([
    ['a leading space', ' a.txt'],
    ['a trailing space', 'a.txt '],
    ['a space ending a directory', 'dir /a.txt'],
    ['a space starting a later segment', 'dir/ a.txt'],
    ['a no-break space at the end', 'a.txt\u00a0'],
    ['an ideographic space at the start', '\u3000a.txt'],
    ['a segment of spaces only', 'dir/   /a.txt'],
  ])('refuses %s in a segment', (_label, name) => {
    const error = rejection(name);
    expect(error.code).toBe('invalid_object_name');
    expect(error.message).toBe(
      'object_name must not have a space at the start or end of a "/"-separated part.',
    );
  });

  it('keeps spaces inside a segment, combining marks, emoji and variation selectors', () => {
    for (const name of [
      'my docs/q1 report.txt',
      'e\u0301t\u00e9.txt',
      '\u2764\ufe0f.png',
      '😀.png',
    ]) {
      expect(ownedKey('o', name).name).toBe(name.normalize('NFC'));
    }
  });

  it.each([
    ['at the end (a presigned POST would sign starts-with)', 'uploads/${filename}'],
    ['alone', '${filename}'],
    ['in the middle', 'a${filename}b.txt'],
  ])('refuses "${filename}" %s', (_label, name) => {
    const error = rejection(name);
    expect(error.code).toBe('invalid_object_name');
    expect(error.message).toBe('object_name must not contain "${filename}".');
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

  it('accepts a 255-byte segment and refuses 256, naming the limit (S3, RGW, MinIO)', () => {
    expect(ownedKey('o', 'a'.repeat(255)).name).toHaveLength(255);
    expect(ownedKey('o', `${'d'.repeat(255)}/x`).name).toHaveLength(257);
    const error = rejection('a'.repeat(256));
    expect(error.code).toBe('invalid_object_name');
    expect(error.message).toBe(
      'Each "/"-separated part of object_name must be at most 255 UTF-8 bytes on this store; one part is 256.',
    );
    expect(rejection(`${'d'.repeat(256)}/x`).message).toMatch(/at most 255 UTF-8 bytes/);
  });

  it("holds each segment to the store's own limit when composition passes one", () => {
    const embedded: NamePolicy = { maxSegmentBytes: 233, reservedSubstrings: ['._S3rver_'] };
    expect(ownedKey('o', 'a'.repeat(233), embedded).key).toBe(`o/${'a'.repeat(233)}`);
    expect(ownedKey('o', `${'é'.repeat(116)}a`, embedded).name).toHaveLength(117); // 233 bytes
    expect(rejection('a'.repeat(234), embedded).message).toMatch(
      /object_name must be at most 233 UTF-8 bytes on this store; one part is 234/,
    );
    expect(rejection('é'.repeat(117), embedded).message).toMatch(/one part is 234/);
    expect(rejection('dir/x._S3rver_object', embedded).message).toBe(
      'object_name must not contain "._S3rver_" on this store: the store uses it itself.',
    );
    expect(ownedKey('o', 'dir/x._S3rver_object').name).toBe('dir/x._S3rver_object');
  });

  it('counts bytes, not characters', () => {
    const twoByteSegment = 'é'.repeat(128); // 256 bytes
    expect(rejection(twoByteSegment).message).toMatch(
      /at most 255 UTF-8 bytes on this store; one part is 256/,
    );
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
