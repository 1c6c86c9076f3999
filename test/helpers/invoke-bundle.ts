import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/bundle-options.js';

/** Node 24, the `node` devDependency: the runtime the functions deploy to (nodejs24.x). */
export const NODE_24 = join(PROJECT_ROOT, 'node_modules', '.bin', 'node');
const INVOKE = join(PROJECT_ROOT, 'scripts', 'invoke-bundle.mjs');

export interface Invocation<T = unknown> {
  /** The module import, in ms: the bundle's cold init. */
  readonly importMs: number;
  /** The first handler call, in ms. */
  readonly invokeMs: number;
  readonly result: T;
  /** What the process wrote (the handler's logs), for failure messages. */
  readonly output: string;
}

export interface InvokeOptions {
  readonly bundle: string;
  readonly event: unknown;
  /** The process's whole environment: nothing is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly functionName?: string;
  /** What context.getRemainingTimeInMillis() counts down from. @default 30000 */
  readonly timeoutMs?: number;
}

interface Answer {
  readonly importMs?: number;
  readonly invokeMs?: number;
  readonly result?: unknown;
  readonly exports?: Record<string, string[]>;
  readonly error?: string;
}

/** Runs scripts/invoke-bundle.mjs in a fresh Node 24 process and reads its answer (fd 3). */
const runInvoker = (args: string[], env: Readonly<Record<string, string>>) =>
  new Promise<{ answer: Answer; output: string }>((done, fail) => {
    const child = spawn(NODE_24, [INVOKE, ...args], {
      env: { ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let answer = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => {
      try {
        const parsed = JSON.parse(answer) as Answer;
        if (parsed.error !== undefined || code !== 0) {
          fail(new Error(`${args[0]} failed (exit ${code}): ${parsed.error}\n${output}`));
        } else {
          done({ answer: parsed, output });
        }
      } catch {
        fail(new Error(`${args[0]} gave no answer (exit ${code}):\n${output}`));
      }
    });
  });

/** Imports a bundle in a fresh process and calls its handler once, as a cold Lambda does. */
export const invokeBundle = async <T = unknown>(options: InvokeOptions): Promise<Invocation<T>> => {
  const { answer, output } = await runInvoker(
    [
      options.bundle,
      JSON.stringify(options.event),
      options.functionName ?? 'draftstore',
      String(options.timeoutMs ?? 30_000),
    ],
    options.env,
  );
  return {
    importMs: answer.importMs!,
    invokeMs: answer.invokeMs!,
    result: answer.result as T,
    output,
  };
};

/** The export names of each bundle, imported in one fresh process with `env`. */
export const bundleExports = async (
  bundles: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<Record<string, string[]>> =>
  (await runInvoker(['--exports', ...bundles], env)).answer.exports!;
