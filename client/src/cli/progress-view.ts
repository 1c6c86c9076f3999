import { formatBytes, formatDuration } from './format.js';

/**
 * How one file's upload is shown. On a terminal: a bar redrawn in place, with bytes,
 * throughput and ETA. Elsewhere (logs, pipes): a plain line every 10 %. With --json: nothing.
 */
export interface ProgressView {
  update(loaded: number): void;
  /** Replaces the bar by a final line. */
  end(line: string): void;
}

export type ViewMode = 'tty' | 'plain' | 'silent';

interface Rate {
  readonly bytesPerSecond: number;
  readonly etaSeconds: number;
}

/** Throughput over the bytes this run sent (resumed parts count at once and are left out). */
const rateTracker = (total: number, now: () => number) => {
  const started = now();
  let baseline: number | undefined;
  return (loaded: number): Rate => {
    baseline ??= loaded;
    const seconds = (now() - started) / 1000;
    const bytesPerSecond = seconds > 0 ? (loaded - baseline) / seconds : 0;
    return {
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? (total - loaded) / bytesPerSecond : Infinity,
    };
  };
};

export const createProgressView = (
  mode: ViewMode,
  label: string,
  total: number,
  write: (text: string) => void,
  now: () => number = Date.now,
): ProgressView => {
  const rate = rateTracker(total, now);
  const percent = (loaded: number) => (total === 0 ? 100 : Math.floor((loaded / total) * 100));
  if (mode === 'silent') return { update: () => undefined, end: () => undefined };
  if (mode === 'plain') {
    let lastDecile = -1;
    return {
      update: (loaded) => {
        const decile = Math.floor(percent(loaded) / 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        const { bytesPerSecond } = rate(loaded);
        write(
          `${label}: ${percent(loaded)}% (${formatBytes(loaded)} of ${formatBytes(total)}, ${formatBytes(bytesPerSecond)}/s)\n`,
        );
      },
      end: (line) => write(`${line}\n`),
    };
  }
  let lastDraw = 0;
  const draw = (loaded: number) => {
    const { bytesPerSecond, etaSeconds } = rate(loaded);
    const width = 24;
    const filled = Math.round((percent(loaded) / 100) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    write(
      `\r\x1b[2K${label} [${bar}] ${String(percent(loaded)).padStart(3)}% ${formatBytes(loaded)}/${formatBytes(total)} ${formatBytes(bytesPerSecond)}/s ETA ${formatDuration(etaSeconds)}`,
    );
  };
  return {
    update: (loaded) => {
      // Redrawing on every 256 KiB write would cost more than the upload itself.
      if (now() - lastDraw < 100 && loaded < total) return;
      lastDraw = now();
      draw(loaded);
    },
    end: (line) => write(`\r\x1b[2K${line}\n`),
  };
};
