import type { Cleaner, SweepSummary } from '../lambdas/core/cleaner.js';
import { logger as sharedLogger } from '../lambdas/observability/logger.js';
import { inInvocation } from './invocation-scope.js';

/** The cleanup Lambda's name in local logs. */
export const CLEANUP_FUNCTION_NAME = 'draftstore-cleanup';

export interface CleanupTimerOptions {
  readonly cleaner: Pick<Cleaner, 'sweep'>;
  /** Time between the end of one sweep and the start of the next; must be positive. */
  readonly intervalMs: number;
  /** @default the shared Powertools logger */
  readonly logger?: TimerLogger;
}

/** The part of the Powertools Logger the timer uses. */
export interface TimerLogger {
  info(message: string, attributes: Record<string, unknown>): void;
  debug(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

export interface CleanupTimer {
  /** Runs a sweep now, or waits for the one already running; never two at once. */
  runNow(): Promise<SweepSummary | undefined>;
  /** Cancels the next sweep and waits for a running one to finish. */
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
  const log = options.logger ?? sharedLogger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SweepSummary | undefined> | undefined;
  let stopped = false;

  // Its own invocation, so its logs (the cleaner's too) name the cleanup function.
  const sweep = (): Promise<SweepSummary | undefined> =>
    inInvocation(CLEANUP_FUNCTION_NAME, async () => {
      try {
        const summary = await options.cleaner.sweep();
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
