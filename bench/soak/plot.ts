import type { SoakSample } from './goals.js';

const WIDTH = 640;
const PANEL = 110;
const MARGIN = { left: 64, right: 12, top: 22, bottom: 18 };

const PANELS: readonly { title: string; read: (sample: SoakSample) => number }[] = [
  { title: 'RSS (MiB)', read: (sample) => sample.rssMiB },
  { title: 'heap used (MiB)', read: (sample) => sample.heapUsedMiB },
  { title: 'open fds', read: (sample) => sample.openFds },
  { title: 'event-loop delay p99 (ms)', read: (sample) => sample.loopDelayP99Ms },
  { title: 'throughput (ops/s)', read: (sample) => sample.operationsPerSecond },
];

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A small stacked line plot of the samples, one panel per measure, as standalone SVG. */
export const plotSamples = (title: string, samples: readonly SoakSample[]): string => {
  const height = MARGIN.top + PANELS.length * (PANEL + MARGIN.bottom) + 8;
  const span = Math.max(1, samples.at(-1)?.t ?? 1);
  const inner = WIDTH - MARGIN.left - MARGIN.right;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="14" text-anchor="middle" font-size="13">${escape(title)}</text>`,
  ];
  PANELS.forEach((panel, index) => {
    const top = MARGIN.top + index * (PANEL + MARGIN.bottom) + 12;
    const values = samples.map(panel.read);
    const high = Math.max(...values, 0) * 1.1 || 1;
    const x = (t: number) => MARGIN.left + (t / span) * inner;
    const y = (value: number) => top + PANEL - (value / high) * PANEL;
    const points = samples.map(
      (sample, at) => `${x(sample.t).toFixed(1)},${y(values[at]!).toFixed(1)}`,
    );
    parts.push(
      `<text x="${MARGIN.left}" y="${top - 3}">${escape(panel.title)}</text>`,
      `<rect x="${MARGIN.left}" y="${top}" width="${inner}" height="${PANEL}" fill="none" stroke="#ccc"/>`,
      `<text x="${MARGIN.left - 4}" y="${top + 9}" text-anchor="end">${high.toFixed(high < 10 ? 1 : 0)}</text>`,
      `<text x="${MARGIN.left - 4}" y="${top + PANEL}" text-anchor="end">0</text>`,
      `<polyline fill="none" stroke="#1f6feb" stroke-width="1.5" points="${points.join(' ')}"/>`,
    );
  });
  parts.push(
    `<text x="${WIDTH - MARGIN.right}" y="${height - 4}" text-anchor="end">time (s), 0 to ${span.toFixed(0)}</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
};
