import { abortedError, DraftStoreError } from './errors.js';

export interface RetryPolicy {
  /** Attempts after the first one. @default 5 */
  readonly retries: number;
  /** The first backoff ceiling, doubled per attempt. @default 250 ms */
  readonly baseDelayMs: number;
  /** @default 10 s */
  readonly maxDelayMs: number;
  /** [0, 1); injectable so tests can pin the jitter. @default Math.random */
  readonly random: () => number;
  /** Injectable so tests need not wait. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The longest `Retry-After` (429 `rate_limited`, a 503) waited out; a longer one fails at
   * once with its error, whose `retryAfterMs` says when to come back. @default 60 s
   */
  readonly maxRetryAfterMs: number;
  /** Called before every wait, e.g. to show it (the CLI prints the server's waits). */
  readonly onWait?: ((wait: RetryWait) => void) | undefined;
}

/** One wait before asking again. */
export interface RetryWait {
  /** What is waited out: the error's code (`rate_limited`, `scan_pending`, `SlowDown`, ...). */
  readonly code: string;
  readonly status: number;
  readonly delayMs: number;
  /** True when the server asked for this wait (`Retry-After`), false for the SDK's backoff. */
  readonly retryAfter: boolean;
  /** 0 for the wait after the first failure. */
  readonly attempt: number;
}

export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 5,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  random: Math.random,
  sleep: abortableSleep,
  maxRetryAfterMs: 60_000,
};

/**
 * "Full jitter": a uniform delay below an exponentially growing ceiling, so that many
 * clients (or parts) that failed together do not retry together.
 */
export const backoffDelay = (policy: RetryPolicy, attempt: number): number =>
  Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));

/** S3 error codes that mean "try again", whatever the status. */
const TRANSIENT_CODES = new Set([
  'SlowDown',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'InternalError',
  'ServiceUnavailable',
  'ThrottlingException',
  'network_error',
  'storage_unavailable',
]);

export const isTransient = (error: unknown): boolean => {
  if (!(error instanceof DraftStoreError)) return false;
  if (error.code === 'aborted') return false;
  return (
    error.status === 0 ||
    error.status === 408 ||
    error.status === 429 ||
    error.status >= 500 ||
    TRANSIENT_CODES.has(error.code)
  );
};

/** Tells `onWait` and sleeps; the sleep ends early, as `aborted`, when `signal` fires. */
export const waitBefore = (
  policy: RetryPolicy,
  error: unknown,
  wait: { delayMs: number; retryAfter: boolean; attempt: number },
  signal: AbortSignal | undefined,
): Promise<void> => {
  const known = error instanceof DraftStoreError;
  policy.onWait?.({
    code: known ? error.code : 'error',
    status: known ? error.status : 0,
    ...wait,
  });
  return policy.sleep(wait.delayMs, signal);
};

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries run out. A server's
 * `Retry-After` replaces the backoff, up to `maxRetryAfterMs`: asking sooner would only be
 * refused again, and a longer wait is the caller's to decide.
 */
export const withRetry = async <T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  attempt: (n: number) => Promise<T>,
  retryable: (error: unknown) => boolean = isTransient,
): Promise<T> => {
  for (let n = 0; ; n++) {
    if (signal?.aborted) throw abortedError();
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted) throw abortedError();
      if (n >= policy.retries || !retryable(error)) throw error;
      const advised = error instanceof DraftStoreError ? error.retryAfterMs : undefined;
      if (advised !== undefined && advised > policy.maxRetryAfterMs) throw error;
      await waitBefore(
        policy,
        error,
        {
          delayMs: advised ?? backoffDelay(policy, n),
          retryAfter: advised !== undefined,
          attempt: n,
        },
        signal,
      );
    }
  }
};
