import type { SweepSummary } from '../../../lambdas/core/cleaner.js';
import { startCleanupTimer } from '../../../local/cleanup-timer.js';

const summary = (overrides: Partial<SweepSummary> = {}): SweepSummary => ({
  scanned: 0,
  expired: 0,
  deleted: 0,
  replaced: 0,
  failed: 0,
  staleUploads: 0,
  abortedUploads: 0,
  uploadListingFailures: 0,
  bytesFreed: 0,
  durationMs: 0,
  complete: true,
  dryRun: false,
  ...overrides,
});

/** A cleaner whose sweeps finish only when the test says so. */
const controllableCleaner = () => {
  const pending: ((result: SweepSummary | Error) => void)[] = [];
  let started = 0;
  let concurrent = 0;
  let peak = 0;
  const waiters: (() => void)[] = [];
  return {
    sweep: () =>
      new Promise<SweepSummary>((resolve, reject) => {
        started += 1;
        concurrent += 1;
        peak = Math.max(peak, concurrent);
        pending.push((result) => {
          concurrent -= 1;
          if (result instanceof Error) reject(result);
          else resolve(result);
        });
        waiters.splice(0).forEach((wake) => wake());
      }),
    /** Resolves once `count` sweeps have started. */
    started: async (count: number) => {
      while (started < count) await new Promise<void>((wake) => waiters.push(wake));
    },
    finish: (result: SweepSummary | Error) => pending.shift()!(result),
    stats: () => ({ started, peak }),
  };
};

const quietLogger = () => {
  const lines: { level: string; message: string; details: unknown }[] = [];
  const at = (level: string) => (message: string, details?: unknown) =>
    void lines.push({ level, message, details });
  return { lines, logger: { info: at('info'), debug: at('debug'), error: at('error') } };
};

describe('local cleanup timer', () => {
  it('sweeps again after each interval, never two sweeps at once', async () => {
    // prepare
    const cleaner = controllableCleaner();
    const { lines, logger } = quietLogger();
    const timer = startCleanupTimer({ cleaner, intervalMs: 5, logger });

    // act
    await cleaner.started(1);
    const manual = timer.runNow();
    cleaner.finish(summary({ expired: 2, deleted: 2 }));
    await cleaner.started(2);
    cleaner.finish(summary());
    await timer.stop();

    // assess
    await expect(manual).resolves.toMatchObject({ deleted: 2 });
    expect(cleaner.stats()).toEqual({ started: 2, peak: 1 });
    expect(lines.map((line) => [line.level, line.message])).toEqual([
      ['info', 'Cleanup sweep finished'],
      ['debug', 'Cleanup sweep finished'],
    ]);
  });

  it('logs a failed sweep and keeps the schedule going', async () => {
    // prepare
    const cleaner = controllableCleaner();
    const { lines, logger } = quietLogger();
    const timer = startCleanupTimer({ cleaner, intervalMs: 5, logger });

    // act
    await cleaner.started(1);
    cleaner.finish(new Error('storage down'));
    await cleaner.started(2);
    cleaner.finish(summary());
    await timer.stop();

    // assess
    expect(lines[0]).toMatchObject({ level: 'error', message: 'Cleanup sweep failed' });
    expect(cleaner.stats().started).toBe(2);
  });

  it('stop waits for the running sweep and cancels the next one', async () => {
    // prepare
    const cleaner = controllableCleaner();
    const timer = startCleanupTimer({ cleaner, intervalMs: 5, logger: quietLogger().logger });
    await cleaner.started(1);

    // act
    let stopped = false;
    const stopping = timer.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stoppedBeforeSweepEnded = stopped;
    cleaner.finish(summary());
    await stopping;
    await new Promise((resolve) => setTimeout(resolve, 20));

    // assess
    expect(stoppedBeforeSweepEnded).toBe(false);
    expect(cleaner.stats().started).toBe(1);
  });

  it('gives each sweep a deadline: the cleaner is told the time left, and a sweep that never ends is given up', async () => {
    // prepare: a store that never answers, as a cleaner whose sweep never settles
    const cleaner = controllableCleaner();
    let remainingAtStart: number | undefined;
    const silent = {
      sweep: (options?: { remainingTimeMs?: () => number }) => {
        remainingAtStart = options?.remainingTimeMs?.();
        return cleaner.sweep();
      },
    };
    const { lines, logger } = quietLogger();
    const timer = startCleanupTimer({
      cleaner: silent,
      intervalMs: 60_000,
      deadlineMs: 50,
      logger,
    });

    // act
    const outcome = await timer.runNow();
    await timer.stop();

    // assess: runNow and stop answer although the sweep never ended
    expect(outcome).toBeUndefined();
    expect(remainingAtStart).toBeGreaterThan(0);
    expect(remainingAtStart).toBeLessThanOrEqual(50);
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'Cleanup sweep passed its deadline; the store may not be answering',
        details: { deadlineMs: 50 },
      },
    ]);
    cleaner.finish(summary());
  });

  it('starts no sweep beside one still running past its deadline, and sweeps again once it ends', async () => {
    // prepare
    const cleaner = controllableCleaner();
    const { lines, logger } = quietLogger();
    const timer = startCleanupTimer({ cleaner, intervalMs: 60_000, deadlineMs: 20, logger });
    await timer.runNow();

    // act
    const skipped = await timer.runNow();
    cleaner.finish(summary());
    await new Promise((resolve) => setTimeout(resolve, 0));
    const next = timer.runNow();
    await cleaner.started(2);
    cleaner.finish(summary({ expired: 1, deleted: 1 }));

    // assess
    expect(skipped).toBeUndefined();
    await expect(next).resolves.toMatchObject({ deleted: 1 });
    await timer.stop();
    expect(cleaner.stats()).toEqual({ started: 2, peak: 1 });
    expect(lines.map((line) => line.message)).toEqual([
      'Cleanup sweep passed its deadline; the store may not be answering',
      'Cleanup sweep skipped: the last one is still running past its deadline',
      'Cleanup sweep finished',
    ]);
  });

  it('refuses a deadline of zero', () => {
    // act
    const start = () =>
      startCleanupTimer({
        cleaner: controllableCleaner(),
        intervalMs: 1_000,
        deadlineMs: 0,
        logger: quietLogger().logger,
      });

    // assess
    expect(start).toThrow(/deadlineMs must be positive/);
  });

  it('refuses an interval of zero', () => {
    // act
    const start = () =>
      startCleanupTimer({
        cleaner: controllableCleaner(),
        intervalMs: 0,
        logger: quietLogger().logger,
      });

    // assess
    expect(start).toThrow(/intervalMs must be positive/);
  });
});
