import { once } from 'node:events';
import { formatBytes } from './format.js';

/** Where a command's results go: stdout, a line at a time, as text or (with --json) JSON. */
export interface Output {
  readonly json: boolean;
  /** Human sizes ("3.0 MiB") on a terminal only; a pipe or file gets exact bytes to parse. */
  readonly terminal: boolean;
  /** Writes one line, waiting while stdout is full (a long listing into a slow pipe). */
  line(text: string): Promise<void>;
  /** Writes `value` as one line of JSON. */
  record(value: unknown): Promise<void>;
  /** A size as this output shows it. */
  size(bytes: number): string;
}

export const createOutput = (
  stdout: NodeJS.WritableStream & { isTTY?: boolean },
  json: boolean,
): Output => {
  const terminal = stdout.isTTY === true;
  const line = async (text: string) => {
    if (!stdout.write(`${text}\n`)) await once(stdout, 'drain');
  };
  return {
    json,
    terminal,
    line,
    record: (value) => line(JSON.stringify(value)),
    size: (bytes) => (terminal ? formatBytes(bytes) : String(bytes)),
  };
};
