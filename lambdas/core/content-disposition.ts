/**
 * RFC 5987 attr-chars: the characters `filename*` may carry unencoded. encodeURIComponent
 * also leaves `'()*` and `!` alone; `'` delimits the charset and the others are not
 * attr-chars, so they are encoded by hand.
 */
const encodeExtValue = (value: string): string =>
  encodeURIComponent(value).replace(
    /['()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * The plain `filename` for clients that ignore `filename*`: printable ASCII only, without
 * the quote and backslash a quoted-string would have to escape.
 */
const asciiFallback = (value: string): string => value.replace(/[^\x20-\x7e]|["\\%]/gu, '_');

/**
 * A Content-Disposition header (RFC 6266) naming `fileName`: a quoted ASCII `filename`
 * for old clients and the exact UTF-8 name as `filename*`, which current browsers prefer.
 */
export const contentDisposition = (
  disposition: 'inline' | 'attachment',
  fileName: string,
): string =>
  `${disposition}; filename="${asciiFallback(fileName)}"; filename*=UTF-8''${encodeExtValue(fileName)}`;

/** The last segment of an object name: what a browser should save it as. */
export const fileNameOf = (objectName: string): string =>
  objectName.slice(objectName.lastIndexOf('/') + 1);
