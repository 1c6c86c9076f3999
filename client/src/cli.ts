import { runCli } from './cli/run.js';

/** The `draftstore` executable (see bin/draftstore.js). */
let interrupts = 0;
const listeners = new Set<() => void>();
process.on('SIGINT', () => {
  // A second Ctrl-C does not wait for the first one's cleanup.
  if (++interrupts > 1 || listeners.size === 0) process.exit(130);
  for (const listener of listeners) listener();
});

// `draftstore ls | head`: a reader that has read enough is no failure, and no stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onInterrupt: (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
