import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../lambdas/config.js';
import { composeServices } from '../lambdas/compose.js';
import { composeCleaner } from '../lambdas/compose-cleaner.js';
import { sweepPrefix } from '../lambdas/core/cleaner.js';
import { startEmbeddedS3, type EmbeddedS3 } from '../local/embedded-s3.js';

const USAGE = `Usage: npm run cleanup -- [--dry-run] [--prefix OWNER/]

Sweeps expired drafts (older than OBJECT_LIFETIME) and stale multipart uploads out of
the draft bucket once, and prints the summary as JSON.

  --dry-run      count what is expired, delete nothing
  --prefix P     only the drafts under P (one owner's "<owner>/")
  --help         show this message

Without STORAGE_TYPE it works on the embedded store's files (DRAFTSTORE_DATA_DIR,
default .data/s3), as \`npm start\` does. Exit code: 0 done, 1 some drafts could not be
deleted or the sweep failed, 2 bad arguments or configuration.`;

const usageError = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
};

const parse = () => {
  try {
    const { values, positionals } = parseArgs({
      options: {
        'dry-run': { type: 'boolean', default: false },
        // Taken as a list only to refuse a repeat: parseArgs would keep the last one.
        prefix: { type: 'string', multiple: true },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length > 0) usageError(`Unexpected argument: ${positionals[0]}`);
    const prefixes = values.prefix ?? [];
    if (prefixes.length > 1) usageError('--prefix may be given once: one owner per sweep');
    const prefix = prefixes[0];
    if (prefix !== undefined && prefix.trim() === '') {
      usageError('--prefix needs a non-empty value');
    }
    if (prefix !== undefined) {
      try {
        sweepPrefix(prefix);
      } catch (error) {
        usageError(`--${(error as Error).message}`);
      }
    }
    return { ...values, prefix };
  } catch (error) {
    return usageError((error as Error).message);
  }
};

const main = async (): Promise<number> => {
  const args = parse();
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const embedded = (process.env.STORAGE_TYPE ?? '').trim() === '';
  let config: Config;
  try {
    config = loadConfig(embedded ? { ...process.env, STORAGE_TYPE: 'minio' } : process.env);
  } catch (error) {
    if (error instanceof ConfigError) return usageError(error.message);
    throw error;
  }
  let store: EmbeddedS3 | undefined;
  if (embedded) {
    const directory = resolve(process.env.DRAFTSTORE_DATA_DIR ?? '.data/s3');
    await mkdir(directory, { recursive: true });
    store = await startEmbeddedS3({
      host: '127.0.0.1',
      port: 0,
      directory,
      buckets: [config.buckets.draft, config.buckets.main],
      accessKey: config.minio.accessKey,
      secretKey: config.minio.secretKey,
    });
    config = { ...config, minio: { ...config.minio, endpoint: store.endpoint, useSsl: false } };
  }
  const services = composeServices(config, { cleaner: composeCleaner });
  try {
    const summary = await services.cleaner.sweep({
      dryRun: args['dry-run'],
      ...(args.prefix !== undefined && { prefix: args.prefix }),
    });
    console.log(JSON.stringify(summary, null, 2));
    return summary.failed > 0 || summary.uploadListingFailures > 0 ? 1 : 0;
  } finally {
    services.client.destroy();
    await store?.close();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Cleanup failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
