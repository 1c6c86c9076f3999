import type { Cleaner, SweepSummary } from '../lambdas/core/cleaner.js';
import { logger as sharedLogger } from '../lambdas/observability/logger.js';
import { inInvocation } from './invocation-scope.js';

/** The cleanup Lambda's name in local logs. */
export const CLEANUP_FUNCTION_NAME = 'draftstore-cleanup';

export interface CleanupTimerOptions {
  readonly cleaner: Pick<Cleaner, 'sweep'>;
  /** Time between the end of one sweep and the start of the next; must be positive. */
  readonly intervalMs: number;
  /**
   * How long one sweep may run. The cleaner stops starting work shortly before it (as the
   * cleanup Lambda does before its timeout), and the timer stops waiting at it.
   * @default SWEEP_DEADLINE_MS
   */
  readonly deadlineMs?: number;
  /** @default the shared Powertools logger */
  readonly logger?: TimerLogger;
}

/** The part of the Powertools Logger the timer uses. */
export interface TimerLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  debug(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/**
 * A local sweep's deadline. A sweep of a store that answers takes seconds; one that stops
 * answering would otherwise hold the timer for as long as every stalled request's socket
 * timeout and retries add up to (about 12 minutes). What a cut-short sweep leaves, the next
 * one removes.
 */
export const SWEEP_DEADLINE_MS = 2 * 60_000;

export interface CleanupTimer {
  /**
   * Runs a sweep now, or waits for the one already running; never two at once. Answers
   * undefined for a sweep that failed or passed its deadline.
   */
  runNow(): Promise<SweepSummary | undefined>;
  /** Cancels the next sweep and waits for a running one to finish or reach its deadline. */
  stop(): Promise<void>;
}

/**
 * The local runtime's stand-in for the EventBridge schedule: the same Cleaner.sweep
 * on a timer. Sweeps never overlap, and the timer does not keep the process alive.
 */
export const startCleanupTimer = (options: CleanupTimerOptions): CleanupTimer => {
  if (!Number.isFinite(options.intervalMs) || options.intervalMs <= 0) {
    throw new RangeError(`intervalMs must be positive, got ${options.intervalMs}`);
  }
  const deadlineMs = options.deadlineMs ?? SWEEP_DEADLINE_MS;
  if (!Number.isFinite(deadlineMs) || deadlineMs <= 0) {
    throw new RangeError(`deadlineMs must be positive, got ${deadlineMs}`);
  }
  const log = options.logger ?? sharedLogger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SweepSummary | undefined> | undefined;
  // A sweep that passed its deadline and has not ended yet: no other starts beside it.
  let overrunning: Promise<unknown> | undefined;
  let stopped = false;

  /** The cleaner's sweep, or `late` once the deadline passes first. */
  const sweepBefore = async (): Promise<SweepSummary | typeof LATE> => {
    const endsAt = Date.now() + deadlineMs;
    const sweeping = options.cleaner.sweep({ remainingTimeMs: () => endsAt - Date.now() });
    let deadline: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      deadline = setTimeout(() => resolve(LATE), deadlineMs);
      deadline.unref();
    });
    try {
      const outcome = await Promise.race([sweeping, late]);
      if (outcome === LATE) {
        overrunning = sweeping
          .catch(() => undefined)
          .finally(() => {
            overrunning = undefined;
          });
      }
      return outcome;
    } finally {
      clearTimeout(deadline);
    }
  };

  // Its own invocation, so its logs (the cleaner's too) name the cleanup function.
  const sweep = (): Promise<SweepSummary | undefined> =>
    inInvocation(CLEANUP_FUNCTION_NAME, async () => {
      if (overrunning) {
        log.error('Cleanup sweep skipped: the last one is still running past its deadline', {
          deadlineMs,
        });
        return undefined;
      }
      try {
        const summary = await sweepBefore();
        if (summary === LATE) {
          log.error('Cleanup sweep passed its deadline; the store may not be answering', {
            deadlineMs,
          });
          return undefined;
        }
        const noteworthy =
          summary.expired > 0 ||
          summary.failed > 0 ||
          summary.staleUploads > 0 ||
          summary.uploadListingFailures > 0;
        (noteworthy ? log.info : log.debug).call(log, 'Cleanup sweep finished', {
          cleanup: summary,
        });
        return summary;
      } catch (error) {
        log.error('Cleanup sweep failed', { error });
        return undefined;
      }
    });

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void runNow().finally(schedule), options.intervalMs);
    timer.unref();
  };

  const runNow = (): Promise<SweepSummary | undefined> => {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  };

  schedule();
  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};

const LATE = Symbol('late');
