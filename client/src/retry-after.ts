/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds: delay-seconds or an HTTP date. Anything
 * else, or a date already past, is no advice (undefined), and the SDK's own backoff applies.
 */
export const parseRetryAfter = (
  value: string | null | undefined,
  now: () => number = Date.now,
): number | undefined => {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const ms = at - now();
  return ms >= 0 ? ms : undefined;
};
