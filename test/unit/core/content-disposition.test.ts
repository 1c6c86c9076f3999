import { contentDisposition, fileNameOf } from '../../../lambdas/core/content-disposition.js';

describe('contentDisposition (RFC 6266, filename* per RFC 5987)', () => {
  it('gives an ASCII name as both filename and filename*', () => {
    expect(contentDisposition('attachment', 'report.pdf')).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
  });

  it('percent-encodes UTF-8 in filename* and replaces it in the ASCII fallback', () => {
    expect(contentDisposition('inline', 'café 😀.png')).toBe(
      `inline; filename="caf_ _.png"; filename*=UTF-8''caf%C3%A9%20%F0%9F%98%80.png`,
    );
  });

  it("keeps quotes, backslashes and percent signs out of the quoted name, and encodes ' ( ) * in filename*", () => {
    expect(contentDisposition('attachment', `a"b\\c%d'e(f)g*h.txt`)).toBe(
      `attachment; filename="a_b_c_d'e(f)g*h.txt"; filename*=UTF-8''a%22b%5Cc%25d%27e%28f%29g%2Ah.txt`,
    );
  });

  it('names the last segment of an object name', () => {
    expect(fileNameOf('docs/2026/q1.pdf')).toBe('q1.pdf');
    expect(fileNameOf('q1.pdf')).toBe('q1.pdf');
  });
});
