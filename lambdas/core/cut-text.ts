/**
 * `text` cut to at most `max` UTF-16 units, never ending on half a surrogate pair, with
 * `marker` appended when anything was cut. Client-sent names and headers go into
 * messages and log lines through this: a client may send 60 KB where a name has 64 bytes.
 */
export const cutText = (text: string, max: number, marker = ''): string => {
  if (text.length <= max) return text;
  const end = max - (/[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? 1 : 0);
  return text.slice(0, end) + marker;
};
