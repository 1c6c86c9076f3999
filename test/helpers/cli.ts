import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The `draftstore` launcher, exactly what `npx draftstore` runs. */
export const CLI = resolve('client/bin/draftstore.js');

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** Resolves once stderr has printed something matching `pattern`. */
  waitForStderr(pattern: RegExp): Promise<void>;
  readonly done: Promise<CliRun>;
}

/** Starts the CLI as a separate process, as a user would, with its own environment. */
export const startCli = (args: string[], env: Record<string, string> = {}): RunningCli => {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const done = new Promise<CliRun>((resolveDone) =>
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    waitForStderr: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : new Promise((resolveWait) => waiters.push({ pattern, resolve: resolveWait })),
  };
};

export const runCli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
  startCli(args, env).done;
