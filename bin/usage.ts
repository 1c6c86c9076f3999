import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../lambdas/config.js';
import { composeServices } from '../lambdas/compose.js';
import { composeUsage } from '../lambdas/compose-usage.js';
import { parseByteSize } from '../lambdas/core/byte-size.js';
import { UsageReconciler, type Drift } from '../lambdas/core/usage-reconciler.js';
import type { QuotaOverrides } from '../lambdas/core/usage-ledger.js';
import { ensureUsageTable } from '../lambdas/storage/usage-table-setup.js';
import { LOCAL_USAGE_TABLE } from '../lambdas/storage/usage-table.js';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '../local/embedded-dynamodb.js';
import { startEmbeddedS3, type EmbeddedS3 } from '../local/embedded-s3.js';
import { DYNAMODB_ENDPOINT_FILE, USAGE_TABLE_DIRECTORY } from '../local/runtime.js';

const USAGE = `Usage: npm run usage -- <command> [options]

  reconcile [--owner OWNER] [--min-age SECONDS]
      Recomputes usage from a listing of main, page by page, and corrects the ledger.
      Prints each drift it fixed as a JSON line, then a summary. Without --owner: every
      owner. Records younger than --min-age (default 900) are left alone: a confirm may
      be between its charge and its copy.
  set-limit OWNER [--bytes SIZE] [--objects N]
      Sets the owner's quota overrides. SIZE is a number of bytes or 10GiB, 500MB, ...;
      "unlimited" lifts a limit, "default" falls back to QUOTA_BYTES / QUOTA_OBJECTS.
  show OWNER
      Prints the owner's usage and quota as JSON.

Without STORAGE_TYPE it works on the embedded store's files (DRAFTSTORE_DATA_DIR, default
.data/s3) as \`npm start\` does, using a running \`npm start\`'s table when there is one.
Exit code: 0 done, 1 failed, 2 bad arguments or configuration.`;

const usageError = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
};

type Limit = number | null | 'default';

const limit = (flag: string, raw: string, bytes: boolean): Limit => {
  const value = raw.trim().toLowerCase();
  if (value === 'unlimited') return null;
  if (value === 'default') return 'default';
  const parsed = bytes ? parseByteSize(value) : /^\d+$/.test(value) ? Number(value) : undefined;
  if (parsed === undefined || !Number.isSafeInteger(parsed)) {
    return usageError(
      `--${flag} must be ${bytes ? 'a size like 10GiB or 1048576' : 'a whole number'}, "unlimited" or "default", got "${raw}"`,
    );
  }
  return parsed;
};

type Command =
  | { readonly name: 'reconcile'; readonly owner?: string; readonly minAgeSeconds: number }
  | {
      readonly name: 'set-limit';
      readonly owner: string;
      readonly bytes?: Limit;
      readonly objects?: Limit;
    }
  | { readonly name: 'show'; readonly owner: string }
  | { readonly name: 'help' };

const parse = (): Command => {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        owner: { type: 'string' },
        'min-age': { type: 'string' },
        bytes: { type: 'string' },
        objects: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  const [command, ...rest] = positionals;
  const owner = (value: string | undefined, what: string): string =>
    value !== undefined && value.trim() !== ''
      ? value.trim()
      : usageError(`${what} needs an OWNER`);
  const only = (allowed: string[]) => {
    for (const flag of ['owner', 'min-age', 'bytes', 'objects'] as const) {
      if (values[flag] !== undefined && !allowed.includes(flag)) {
        usageError(`--${flag} does not apply to ${command}`);
      }
    }
  };
  switch (command) {
    case 'reconcile': {
      if (rest.length > 0) usageError(`Unexpected argument: ${rest[0]}`);
      only(['owner', 'min-age']);
      const minAge = values['min-age'] ?? '900';
      if (!/^\d+$/.test(minAge))
        usageError(`--min-age must be a whole number of seconds, got "${minAge}"`);
      return {
        name: 'reconcile',
        ...(values.owner !== undefined && { owner: owner(values.owner, '--owner') }),
        minAgeSeconds: Number(minAge),
      };
    }
    case 'set-limit': {
      if (rest.length !== 1) usageError('set-limit takes exactly one OWNER');
      only(['bytes', 'objects']);
      if (values.bytes === undefined && values.objects === undefined) {
        usageError('set-limit needs --bytes, --objects or both');
      }
      return {
        name: 'set-limit',
        owner: owner(rest[0], 'set-limit'),
        ...(values.bytes !== undefined && { bytes: limit('bytes', values.bytes, true) }),
        ...(values.objects !== undefined && { objects: limit('objects', values.objects, false) }),
      };
    }
    case 'show':
      if (rest.length !== 1) usageError('show takes exactly one OWNER');
      only([]);
      return { name: 'show', owner: owner(rest[0], 'show') };
    case undefined:
      return usageError('A command is required.');
    default:
      return usageError(`Unknown command: ${command}`);
  }
};

/** The endpoint a running `npm start` wrote for its embedded DynamoDB, if it still answers. */
const runningEndpoint = async (directory: string): Promise<string | undefined> => {
  try {
    const endpoint = (await readFile(join(directory, DYNAMODB_ENDPOINT_FILE), 'utf8')).trim();
    await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    return endpoint;
  } catch {
    return undefined;
  }
};

const main = async (): Promise<number> => {
  const command = parse();
  if (command.name === 'help') {
    console.log(USAGE);
    return 0;
  }
  const embedded = (process.env.STORAGE_TYPE ?? '').trim() === '';
  const env = {
    ...process.env,
    ...(embedded && { STORAGE_TYPE: 'minio' }),
    USAGE_TABLE: (process.env.USAGE_TABLE ?? '').trim() || LOCAL_USAGE_TABLE,
  };
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return usageError(error.message);
    throw error;
  }
  let store: EmbeddedS3 | undefined;
  let dynamo: EmbeddedDynamoDb | undefined;
  const directory = resolve(process.env.DRAFTSTORE_DATA_DIR ?? '.data/s3');
  if (embedded) {
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
  if (config.storageType === 'minio' && config.usage.endpoint === undefined) {
    let endpoint = await runningEndpoint(directory);
    if (endpoint === undefined) {
      const data = join(directory, USAGE_TABLE_DIRECTORY);
      await mkdir(data, { recursive: true });
      dynamo = await startEmbeddedDynamoDb({ host: '127.0.0.1', port: 0, directory: data });
      endpoint = dynamo.endpoint;
    }
    config = { ...config, usage: { ...config.usage, endpoint } };
  }
  const services = composeServices(config, { usage: composeUsage });
  const usage = services.usage!;
  try {
    if (config.usage.endpoint !== undefined) {
      await ensureUsageTable(usage.table.client, usage.table.table);
    }
    switch (command.name) {
      case 'show':
        console.log(JSON.stringify(await services.accounts.report(command.owner)));
        return 0;
      case 'set-limit': {
        const current = await usage.ledger.overrides(command.owner);
        const next: { bytes?: number | null; objects?: number | null } = { ...current };
        for (const field of ['bytes', 'objects'] as const) {
          const value = command[field];
          if (value === 'default') delete next[field];
          else if (value !== undefined) next[field] = value;
        }
        await usage.ledger.setOverrides(command.owner, next as QuotaOverrides);
        console.log(JSON.stringify(await services.accounts.report(command.owner)));
        return 0;
      }
      case 'reconcile': {
        const reconciler = new UsageReconciler(usage.ledger, services.accounts, {
          minAgeSeconds: command.minAgeSeconds,
        });
        const drifts: Drift[] = [];
        const found =
          command.owner !== undefined
            ? await reconciler.reconcile(command.owner)
            : reconciler.reconcileAll();
        for await (const drift of found) {
          drifts.push(drift);
          console.log(JSON.stringify(drift));
        }
        console.log(JSON.stringify({ drifts_fixed: drifts.length }));
        return 0;
      }
    }
  } finally {
    services.client.destroy();
    usage.table.client.destroy();
    await dynamo?.close();
    await store?.close();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('npm run usage failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
