import type { RateCounters } from '../../lambdas/core/rate-limiter.js';
import type { RateWindow } from '../../lambdas/core/rate-window.js';

/**
 * The counters port in memory, for unit tests of what sits above it (the DynamoDB adapter
 * is tested on dynalite). Records every window it was asked about.
 */
export class MemoryRateCounters implements RateCounters {
  readonly #counts = new Map<string, number>();
  readonly asked: RateWindow[] = [];

  take(window: RateWindow, limit: number): Promise<boolean> {
    this.asked.push(window);
    const key = JSON.stringify([window.rateClass, window.subject, window.start]);
    const count = this.#counts.get(key) ?? 0;
    if (count >= limit) return Promise.resolve(false);
    this.#counts.set(key, count + 1);
    return Promise.resolve(true);
  }
}
