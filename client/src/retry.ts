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

/** Runs `attempt` until it succeeds, fails for good, or the retries run out. */
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
      await policy.sleep(backoffDelay(policy, n), signal);
    }
  }
};
