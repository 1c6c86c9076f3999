import { contentTypeCheck } from '../../../../lambdas/core/checks/content-type-check.js';
import { draftUnderCheck } from '../../../../lambdas/core/checks/draft-under-check.js';
import type { RangeRequest } from '../../../../lambdas/core/checks/confirm-check.js';
import { DraftError } from '../../../../lambdas/core/errors.js';
import { contentSniffer } from '../../../../lambdas/inspection/content-sniffer.js';
import { SAMPLES } from '../../../helpers/content-samples.js';

/** Runs the real check over bytes as a store would serve them, counting the ranged reads. */
const judge = async (bytes: Uint8Array, contentType?: string) => {
  const reads: RangeRequest[] = [];
  const draft = draftUnderCheck(
    {
      readRange: async (request) => {
        reads.push(request);
        return bytes.subarray(request.start, request.start + request.length);
      },
      readStream: () => Promise.reject(new Error('these checks never stream')),
    },
    'drafts',
    'alice/x',
    {
      size: bytes.length,
      etag: '"e"',
      metadata: {},
      ...(contentType !== undefined && { contentType }),
    },
  );
  try {
    const found = await contentTypeCheck(contentSniffer).inspect(draft, {});
    return { passed: true, found, reads: reads.length };
  } catch (error) {
    if (!(error instanceof DraftError)) throw error;
    return {
      passed: false,
      code: error.code,
      reason: error.reason,
      detected: error.detectedType,
      message: error.message,
    };
  }
};

describe('the content-type check (file-type signatures + WHATWG patterns)', () => {
  it.each([
    ['a PNG as image/png', SAMPLES.png, 'image/png'],
    ['a JPEG as image/jpeg', SAMPLES.jpeg, 'image/jpeg'],
    ['a JPEG as image/jpg (the same type)', SAMPLES.jpeg, 'image/jpg'],
    ['a JPEG as IMAGE/JPEG; charset=x (essence, any case)', SAMPLES.jpeg, 'IMAGE/JPEG; q=1'],
    ['a GIF as image/gif', SAMPLES.gif, 'image/gif'],
    ['a PDF as application/pdf', SAMPLES.pdf, 'application/pdf'],
    ['a ZIP as a docx (a ZIP-based office file)', SAMPLES.zip, SAMPLES.docxType],
    ['text as text/plain', SAMPLES.text, 'text/plain'],
    ['JSON as application/json', SAMPLES.json, 'application/json'],
    ['CSV as text/csv', SAMPLES.csv, 'text/csv'],
    ['an empty draft as text/plain', new Uint8Array(0), 'text/plain'],
    ['HTML as text/html', SAMPLES.html, 'text/html'],
    ['SVG as image/svg+xml', SAMPLES.svg, 'image/svg+xml'],
    ['plain XML as application/xml', SAMPLES.xml, 'application/xml'],
    ['a PNG as application/octet-stream (claims nothing)', SAMPLES.png, 'application/octet-stream'],
    ['a PNG without a stored type', SAMPLES.png, undefined],
    ['unknown binary as a type no signature knows', SAMPLES.binary, 'application/x-custom'],
  ])('passes %s', async (_label, bytes, type) => {
    expect((await judge(bytes, type)).passed).toBe(true);
  });

  it.each([
    ['a Windows executable as image/png', SAMPLES.exe, 'image/png', 'application/x-msdownload'],
    [
      'a Windows executable as octet-stream',
      SAMPLES.exe,
      'application/octet-stream',
      'application/x-msdownload',
    ],
    ['an ELF binary as application/x-elf', SAMPLES.elf, 'application/x-elf', 'application/x-elf'],
    ['a shell script as text/plain', SAMPLES.shebang, 'text/plain', 'text/x-shellscript'],
    ['HTML as text/plain', SAMPLES.html, 'text/plain', 'text/html'],
    [
      'HTML after whitespace, upper case, as text/csv',
      SAMPLES.shoutedHtml,
      'text/csv',
      'text/html',
    ],
    ['SVG as image/png', SAMPLES.svg, 'image/png', 'image/svg+xml'],
    [
      'SVG behind an XML declaration as application/xml',
      SAMPLES.xmlSvg,
      'application/xml',
      'image/svg+xml',
    ],
    ['XML with script as text/plain', SAMPLES.xmlScript, 'text/plain', 'application/xhtml+xml'],
    ['HTML as application/octet-stream', SAMPLES.html, 'application/octet-stream', 'text/html'],
    ['a PNG as image/jpeg', SAMPLES.png, 'image/jpeg', 'image/png'],
    ['a PNG as text/plain', SAMPLES.png, 'text/plain', 'image/png'],
    ['text as image/png', SAMPLES.text, 'image/png', 'text/plain'],
    ['unknown binary as image/png', SAMPLES.binary, 'image/png', undefined],
    ['unknown binary as application/json', SAMPLES.binary, 'application/json', undefined],
  ])('refuses %s as type_mismatch', async (_label, bytes, type, detected) => {
    expect(await judge(bytes, type)).toEqual({
      passed: false,
      code: 'content_rejected',
      reason: 'type_mismatch',
      detected,
      message: expect.stringContaining(`declared ${type}`),
    });
  });

  it('reads the first 4 KiB once, in one ranged GET bound to the ETag', async () => {
    const big = new Uint8Array(1024 * 1024);
    big.set(SAMPLES.png);
    expect(await judge(big, 'image/png')).toMatchObject({ passed: true, reads: 1 });
  });
});
