import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { MAX_KEYS_PER_LIST_PAGE } from '../../../lambdas/core/s3-limits.js';

/** A mistake in the command line: exit code 2 and the usage text. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage:
  draftstore upload <file>... [--name N] [--type T] [--confirm] [--concurrency 4]
                              [--part-size 16MiB] [--checksum md5] [--no-resume] [--json]
  draftstore confirm <name>
  draftstore download <name> [--stage main|draft] [-o FILE]
  draftstore url <name> [--stage main|draft]
  draftstore ls [prefix] [--stage main|draft] [--recursive] [--page-size 1000] [--summarize]
  draftstore info <name> [--stage main|draft]
  draftstore rm <name> [--stage main|draft]
  draftstore usage

Options for every command:
  --api URL       the DraftStore API (env DRAFTSTORE_API_URL; default http://127.0.0.1:8080)
  --token JWT     bearer token (env DRAFTSTORE_TOKEN)
  --json          one JSON result per line
  -h, --help      this text

Exit codes: 0 success, 1 API or store error (and ls of a prefix that matches nothing),
2 usage error, 130 interrupted. An interrupted upload is resumable: run the same command again.`;

export type Command =
  | {
      readonly kind: 'upload';
      readonly files: string[];
      readonly name?: string;
      readonly type?: string;
      readonly confirm: boolean;
      readonly concurrency: number;
      readonly partSize?: number;
      readonly checksum: 'md5' | false;
      readonly resume: boolean;
    }
  | { readonly kind: 'confirm'; readonly name: string }
  | {
      readonly kind: 'download';
      readonly name: string;
      readonly stage: Stage;
      readonly output?: string;
    }
  | { readonly kind: 'url'; readonly name: string; readonly stage: Stage }
  | {
      readonly kind: 'ls';
      readonly prefix: string;
      readonly stage: Stage;
      readonly recursive: boolean;
      readonly pageSize: number;
      readonly summarize: boolean;
    }
  | { readonly kind: 'info'; readonly name: string; readonly stage: Stage }
  | { readonly kind: 'rm'; readonly name: string; readonly stage: Stage }
  | { readonly kind: 'usage' }
  | { readonly kind: 'help' };

export type Stage = 'draft' | 'main';

/** The largest page `ls` asks for: what the server (and S3) answers at most. */
const MAX_PAGE_SIZE = 1000 satisfies typeof MAX_KEYS_PER_LIST_PAGE;

export interface Invocation {
  readonly command: Command;
  readonly api: string;
  readonly token?: string;
  readonly json: boolean;
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
};

/** "16MiB", "5MB", "8388608": bytes. */
export const parseSize = (text: string, option: string): number => {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new UsageError(`${option}: "${text}" is not a size such as 16MiB, 5MB or 8388608`);
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes < 1)
    throw new UsageError(`${option}: "${text}" is out of range`);
  return bytes;
};

const stageOf = (value: string | undefined): Stage => {
  if (value === undefined || value === 'main' || value === 'draft') return value ?? 'main';
  throw new UsageError(`--stage: must be "main" or "draft", got "${value}"`);
};

const one = (positionals: string[], command: string): string => {
  if (positionals.length !== 1) {
    throw new UsageError(`${command} takes exactly one object name, got ${positionals.length}`);
  }
  return positionals[0] as string;
};

export const parseInvocation = (argv: string[], env: NodeJS.ProcessEnv): Invocation => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        api: { type: 'string' },
        token: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        name: { type: 'string' },
        type: { type: 'string' },
        confirm: { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        'part-size': { type: 'string' },
        checksum: { type: 'string' },
        'no-resume': { type: 'boolean', default: false },
        stage: { type: 'string' },
        output: { type: 'string', short: 'o' },
        recursive: { type: 'boolean', default: false },
        'page-size': { type: 'string' },
        summarize: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [verb, ...rest] = positionals;
  const api = values.api ?? (env.DRAFTSTORE_API_URL || 'http://127.0.0.1:8080');
  if (!URL.canParse(api)) throw new UsageError(`--api: "${api}" is not a URL`);
  const token = values.token ?? (env.DRAFTSTORE_TOKEN || undefined);
  const common = { api, json: values.json, ...(token && { token }) };
  if (values.help || verb === undefined || verb === 'help') {
    return { ...common, command: { kind: 'help' } };
  }
  switch (verb) {
    case 'upload': {
      if (rest.length === 0) throw new UsageError('upload needs at least one file');
      if (values.name !== undefined && rest.length > 1) {
        throw new UsageError('--name applies to a single file; got several files');
      }
      // The object name is the file's base name: the second would silently replace the first.
      const byName = new Map<string, string>();
      for (const file of rest) {
        const earlier = byName.get(basename(file));
        if (earlier !== undefined) {
          throw new UsageError(
            `${earlier} and ${file} would both be uploaded as "${basename(file)}"; upload them one at a time with --name`,
          );
        }
        byName.set(basename(file), file);
      }
      const concurrency = Number(values.concurrency ?? 4);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
        throw new UsageError(
          `--concurrency: must be a whole number from 1 to 64, got "${values.concurrency}"`,
        );
      }
      if (
        values.checksum !== undefined &&
        values.checksum !== 'md5' &&
        values.checksum !== 'none'
      ) {
        throw new UsageError(`--checksum: must be "md5" or "none", got "${values.checksum}"`);
      }
      const partSize = values['part-size'] && parseSize(values['part-size'], '--part-size');
      return {
        ...common,
        command: {
          kind: 'upload',
          files: rest,
          ...(values.name !== undefined && { name: values.name }),
          ...(values.type !== undefined && { type: values.type }),
          confirm: values.confirm,
          concurrency,
          ...(partSize && { partSize }),
          checksum: values.checksum === 'md5' ? 'md5' : false,
          resume: !values['no-resume'],
        },
      };
    }
    case 'confirm':
      return { ...common, command: { kind: 'confirm', name: one(rest, 'confirm') } };
    case 'download':
      return {
        ...common,
        command: {
          kind: 'download',
          name: one(rest, 'download'),
          stage: stageOf(values.stage),
          ...(values.output !== undefined && { output: values.output }),
        },
      };
    case 'url':
      return {
        ...common,
        command: { kind: 'url', name: one(rest, 'url'), stage: stageOf(values.stage) },
      };
    case 'ls': {
      if (rest.length > 1) throw new UsageError(`ls takes at most one prefix, got ${rest.length}`);
      const pageSize = Number(values['page-size'] ?? MAX_PAGE_SIZE);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        throw new UsageError(
          `--page-size: must be a whole number from 1 to ${MAX_PAGE_SIZE}, got "${values['page-size']}"`,
        );
      }
      return {
        ...common,
        command: {
          kind: 'ls',
          prefix: rest[0] ?? '',
          stage: stageOf(values.stage),
          recursive: values.recursive,
          pageSize,
          summarize: values.summarize,
        },
      };
    }
    case 'info':
    case 'rm':
      return {
        ...common,
        command: { kind: verb, name: one(rest, verb), stage: stageOf(values.stage) },
      };
    case 'usage':
      if (rest.length > 0) throw new UsageError('usage takes no arguments');
      return { ...common, command: { kind: 'usage' } };
    default:
      throw new UsageError(`unknown command "${verb}"`);
  }
};
