/**
 * When the type the bytes were found to be agrees with the declared (stored) one. The rules
 * and their equivalences are documented in docs/confirm-checks.md; this file owns them.
 */

/** Spellings of one type: the first of each pair is read as the second. */
const EQUIVALENT_TYPES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
  'application/x-zip-compressed': 'application/zip',
  'application/x-gzip': 'application/gzip',
  'audio/mp3': 'audio/mpeg',
  'application/xml': 'text/xml',
};

/** Formats that are a ZIP archive inside: their bytes may sniff as plain ZIP. */
const ZIP_CONTAINERS = [
  /^application\/vnd\.openxmlformats-officedocument\./,
  /^application\/vnd\.oasis\.opendocument\./,
  /^application\/epub\+zip$/,
  /^application\/java-archive$/,
];

/** Bytes that run as a program: refused under every declared type. */
const EXECUTABLE_TYPES = new Set([
  'application/x-msdownload',
  'application/x-elf',
  'application/x-mach-binary',
  'application/wasm',
  'application/java-vm',
  'text/x-shellscript',
]);

/** What a browser renders as a page, script included: refused under any other declared type. */
const MARKUP_TYPES = new Set(['text/html', 'application/xhtml+xml', 'image/svg+xml']);

/** Declared types with no signature of their own, whose bytes must simply be text. */
const isTextType = (type: string): boolean =>
  type.startsWith('text/') ||
  type.endsWith('+json') ||
  type.endsWith('+xml') ||
  [
    'application/json',
    'application/x-ndjson',
    'application/javascript',
    'application/ecmascript',
    'application/yaml',
    'application/x-yaml',
    'application/csv',
    'application/sql',
    'application/toml',
  ].includes(type);

/** What the sniffer reports for bytes without a binary signature. */
export const PLAIN_TEXT = 'text/plain';
/** The declared type that claims nothing about the bytes. */
export const UNKNOWN_BINARY = 'application/octet-stream';

export const canonicalType = (type: string): string => EQUIVALENT_TYPES[type] ?? type;

const isZipContainer = (type: string): boolean =>
  ZIP_CONTAINERS.some((pattern) => pattern.test(type));

export type Agreement =
  | { readonly agrees: true }
  | { readonly agrees: false; readonly why: 'executable' | 'markup' | 'mismatch' };

/**
 * The rule: executables never pass; markup passes only under a markup type; a declared text
 * type needs text; any other declared type needs the same type (or an equivalent), except
 * `application/octet-stream`, which claims nothing, and a type no signature can recognise.
 *
 * @param detected the sniffed type: a signature's type, a markup or XML type, `text/plain`
 *   for text without a signature, or undefined for binary bytes of no known signature.
 * @param recognisable whether the declared type has a signature the sniffer knows.
 */
export const agreement = (
  declaredType: string | undefined,
  detected: string | undefined,
  recognisable: boolean,
): Agreement => {
  const declared = canonicalType(declaredType ?? UNKNOWN_BINARY);
  const found = detected === undefined ? undefined : canonicalType(detected);
  if (found !== undefined && EXECUTABLE_TYPES.has(found)) {
    return { agrees: false, why: 'executable' };
  }
  const markupDeclared = MARKUP_TYPES.has(declared);
  if (found !== undefined && MARKUP_TYPES.has(found)) {
    return markupDeclared ? { agrees: true } : { agrees: false, why: 'markup' };
  }
  if (declared === UNKNOWN_BINARY) return { agrees: true };
  const isText = found === PLAIN_TEXT || found === 'text/xml';
  if (markupDeclared || isTextType(declared)) {
    return isText ? { agrees: true } : { agrees: false, why: 'mismatch' };
  }
  if (found === undefined || isText) {
    return recognisable ? { agrees: false, why: 'mismatch' } : { agrees: true };
  }
  if (found === declared) return { agrees: true };
  if (found === 'application/zip' && isZipContainer(declared)) return { agrees: true };
  if (declared === 'application/zip' && isZipContainer(found)) return { agrees: true };
  return { agrees: false, why: 'mismatch' };
};
