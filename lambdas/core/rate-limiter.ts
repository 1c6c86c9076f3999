import type { Caller } from './caller.js';
import { DraftError } from './errors.js';
import {
  rateSubject,
  rateWindowAt,
  retryAfterSeconds,
  type RateClass,
  type RateLimitClass,
  type RateWindow,
} from './rate-window.js';

/** Requests a minute per caller, per class; an absent class is not limited. */
export type RateLimits = Partial<Readonly<Record<RateClass, number>>>;

/**
 * The counters port: shared by every process that serves requests, so a limit holds across
 * warm Lambdas and concurrent calls.
 */
export interface RateCounters {
  /**
   * Adds one to the window's count unless it already holds `limit`, as one atomic step:
   * answers whether it added (the request is admitted). Two concurrent calls can never both
   * take the last place. The store may forget the count once the window has ended. A store
   * that cannot answer throws `storage_unavailable`.
   */
  take(window: RateWindow, limit: number): Promise<boolean>;
}

/** Who a request comes from, as a surface knows it. */
export interface RequestSource {
  readonly caller: Caller;
  /** The client's address, as the edge saw it (API Gateway, the function URL, the socket). */
  readonly sourceIp?: string | undefined;
}

export interface RateLimiterOptions {
  readonly limits: RateLimits;
  /**
   * Where counts are kept. Without it a limited call fails as `internal`: an entry point
   * that serves a limited operation must be composed with the usage table.
   */
  readonly counters?: RateCounters;
  readonly clock?: () => Date;
}

const CLASS_WORDS: Readonly<Record<RateClass, string>> = {
  write: 'uploads and changes',
  read: 'reads',
};

/**
 * Admits a request, or refuses it as `rate_limited` with a Retry-After. A class without a
 * limit costs nothing: no clock read, no request to the counters.
 */
export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #counters: RateCounters | undefined;
  readonly #clock: () => Date;

  constructor(options: RateLimiterOptions) {
    this.#limits = options.limits;
    this.#counters = options.counters;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Counts the request against its class's limit; throws `rate_limited` when over it. */
  async admit(rateClass: RateLimitClass, source: RequestSource): Promise<void> {
    if (rateClass === 'none') return;
    const limit = this.#limits[rateClass];
    if (limit === undefined) return;
    if (this.#counters === undefined) {
      // Never unlimited by mistake: a deployment bug, logged, not a pass.
      throw new DraftError('internal', 'This service was composed without its rate counters.');
    }
    const now = this.#clock();
    const window = rateWindowAt(rateClass, rateSubject(source.caller, source.sourceIp), now);
    if (await this.#counters.take(window, limit)) return;
    const wait = retryAfterSeconds(window, this.#clock());
    throw new DraftError(
      'rate_limited',
      `Too many requests: the limit is ${limit} a minute for ${CLASS_WORDS[rateClass]}; try again in ${wait} s.`,
      { retryAfterSeconds: wait },
    );
  }
}
