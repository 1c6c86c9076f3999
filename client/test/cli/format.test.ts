import { formatBytes, formatDuration } from '../../src/cli/format.js';

describe('the CLI formats', () => {
  it('prints whole bytes below 1 KiB, one decimal above', () => {
    // A rate is bytes over seconds: fractional below 1 KiB/s too.
    expect(formatBytes(68.18181818181819)).toBe('68 B');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(40 * 1024 ** 2)).toBe('40.0 MiB');
  });

  it('prints durations as mm:ss or h:mm:ss, unknown as --:--', () => {
    expect(formatDuration(75)).toBe('01:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Infinity)).toBe('--:--');
  });
});
