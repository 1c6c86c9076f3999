/**
 * The text-side rules of the WHATWG MIME Sniffing Standard (mimesniff.spec.whatwg.org, §7.1
 * "identifying a resource with an unknown MIME type"): the HTML and XML patterns, the byte
 * order marks and the "binary data byte" test. Written from the spec's prose; SVG and
 * XML-with-script are told apart from plain XML here because a browser runs them.
 */

const WHITESPACE = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x20]);
/** A tag-terminating byte: space or `>`. */
const TAG_END = new Set([0x20, 0x3e]);

/** The spec's HTML patterns: `<` + a tag name, matched case-insensitively, then a tag end. */
const HTML_TAGS = [
  '!DOCTYPE HTML',
  'HTML',
  'HEAD',
  'SCRIPT',
  'IFRAME',
  'H1',
  'DIV',
  'FONT',
  'TABLE',
  'A',
  'STYLE',
  'TITLE',
  'B',
  'BODY',
  'BR',
  'P',
  '!--',
];

const skipWhitespace = (bytes: Uint8Array): number => {
  let at = 0;
  while (at < bytes.length && WHITESPACE.has(bytes[at]!)) at++;
  return at;
};

const matchesAt = (bytes: Uint8Array, at: number, text: string): boolean => {
  if (at + text.length > bytes.length) return false;
  for (let index = 0; index < text.length; index++) {
    const byte = bytes[at + index]!;
    const upper = byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte;
    if (upper !== text.charCodeAt(index)) return false;
  }
  return true;
};

const isHtml = (bytes: Uint8Array, at: number): boolean =>
  HTML_TAGS.some(
    (tag) =>
      matchesAt(bytes, at, `<${tag}`) && TAG_END.has(bytes[at + tag.length + 1] ?? Number.NaN),
  );

/** The spec's binary data bytes: control characters that text does not contain. */
const isBinaryDataByte = (byte: number): boolean =>
  byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f);

const hasBom = (bytes: Uint8Array): boolean =>
  (bytes[0] === 0xfe && bytes[1] === 0xff) ||
  (bytes[0] === 0xff && bytes[1] === 0xfe) ||
  (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf);

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1').toLowerCase();

/**
 * The markup type of bytes a browser would render as a page: `text/html`, `image/svg+xml`,
 * `application/xhtml+xml` (XML with script or the XHTML namespace), `text/xml` (other XML),
 * or undefined.
 */
export const sniffMarkup = (bytes: Uint8Array): string | undefined => {
  const start = skipWhitespace(bytes);
  if (isHtml(bytes, start)) return 'text/html';
  const isXml = matchesAt(bytes, start, '<?XML');
  const isSvg = matchesAt(bytes, start, '<SVG') && TAG_END.has(bytes[start + 4] ?? Number.NaN);
  if (!isXml && !isSvg && !matchesAt(bytes, start, '<!DOCTYPE')) return undefined;
  const text = latin1(bytes);
  if (isSvg || /<svg[\s>]/.test(text)) return 'image/svg+xml';
  if (/<([a-z0-9_-]+:)?script[\s>/]/.test(text) || text.includes('http://www.w3.org/1999/xhtml')) {
    return 'application/xhtml+xml';
  }
  return isXml ? 'text/xml' : undefined;
};

/** A `#!` interpreter line: a script that runs as a program. */
export const isShebang = (bytes: Uint8Array): boolean => bytes[0] === 0x23 && bytes[1] === 0x21;

/** Text by the spec's rule: a byte order mark, or no binary data byte at all. */
export const looksLikeText = (bytes: Uint8Array): boolean =>
  hasBom(bytes) || !bytes.some(isBinaryDataByte);
