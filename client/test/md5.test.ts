import { createHash, randomBytes } from 'node:crypto';
import { Md5, md5Base64 } from '../src/md5.js';

describe('the SDK MD5 (Content-MD5 without Web Crypto)', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 1 << 20])(
    'matches node:crypto for %i bytes, whole and split',
    (size) => {
      const bytes = randomBytes(size);
      const expected = createHash('md5').update(bytes).digest('base64');
      expect(md5Base64(bytes)).toBe(expected);
      const split = new Md5()
        .update(bytes.subarray(0, size >> 1))
        .update(bytes.subarray(size >> 1));
      expect(Buffer.from(split.digest()).toString('base64')).toBe(expected);
    },
  );

  it('gives the RFC 1321 test vector', () => {
    expect(
      Buffer.from(new Md5().update(new TextEncoder().encode('abc')).digest()).toString('hex'),
    ).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
});
