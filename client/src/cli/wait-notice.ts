import type { RetryWait } from '../retry.js';

/**
 * The line the CLI prints when the API asks it to wait (429 `rate_limited`, `scan_pending`, a
 * 503 with `Retry-After`), so that a pause is never silent; the SDK's own quick retries of a
 * dropped connection stay quiet.
 */
export const waitNotice = (wait: RetryWait): string | undefined => {
  if (!wait.retryAfter && wait.code !== 'scan_pending') return undefined;
  const seconds = Math.max(1, Math.round(wait.delayMs / 1000));
  const why =
    wait.code === 'rate_limited'
      ? 'rate limited by the API'
      : wait.code === 'scan_pending'
        ? 'the malware scan of the draft is not done yet'
        : `the API answered ${wait.status} ${wait.code}`;
  return `${why}: waiting ${seconds} s before asking again`;
};
