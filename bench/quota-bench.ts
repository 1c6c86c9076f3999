import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { composeServices, type Services } from '../lambdas/compose.js';
import { composeUsage } from '../lambdas/compose-usage.js';
import { loadConfig } from '../lambdas/config.js';
import { ensureUsageTable } from '../lambdas/storage/usage-table-setup.js';
import { startEmbeddedDynamoDb } from '../local/embedded-dynamodb.js';
import { startEmbeddedS3 } from '../local/embedded-s3.js';
import { alternate, formatRatio, type RatioStats } from './ratio.js';

/**
 * Q1: what the usage ledger costs confirm. The same drafts are confirmed through services
 * composed without a usage table (today's path: no extra request) and with one (dynalite,
 * a quota set: a read of the owner's limit and record, one TransactWriteItems), in
 * alternating rounds on the embedded store.
 */
export interface QuotaBenchReport {
  readonly confirms: number;
  readonly stats: RatioStats;
  readonly withoutMs: number;
  readonly withMs: number;
}

const BODY = 'x'.repeat(1024);

const confirmBatch = async (services: Services, round: number, count: number): Promise<number> => {
  const caller = { owner: `q1-${round}-${services.usage ? 'ledger' : 'plain'}` };
  for (let index = 0; index < count; index += 1) {
    const ticket = await services.drafts.uploadUrl(caller, {
      objectName: `d/${index}.bin`,
      contentLength: BODY.length,
    });
    const put = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: BODY });
    if (!put.ok) throw new Error(`the draft PUT answered ${put.status}`);
  }
  const start = performance.now();
  for (let index = 0; index < count; index += 1) {
    await services.drafts.confirm(caller, { objectName: `d/${index}.bin` });
  }
  return performance.now() - start;
};

export const runQuotaBench = async (options: {
  rounds: number;
  confirms: number;
}): Promise<QuotaBenchReport> => {
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-q1-'));
  const buckets = { draft: 'bench-draft', main: 'bench' };
  const store = await startEmbeddedS3({
    host: '127.0.0.1',
    port: 0,
    directory,
    buckets: [buckets.draft, buckets.main],
    accessKey: 'bench-access',
    secretKey: 'bench-secret',
  });
  const dynamo = await startEmbeddedDynamoDb({ host: '127.0.0.1', port: 0 });
  const env = {
    STORAGE_TYPE: 'minio',
    MINIO_ENDPOINT: store.endpoint,
    MINIO_ACCESS_KEY: 'bench-access',
    MINIO_SECRET_KEY: 'bench-secret',
    BUCKET_NAME: buckets.main,
    DRAFT_BUCKET_NAME: buckets.draft,
    CONTENT_SNIFFING: 'off',
  };
  const plain = composeServices(loadConfig(env));
  const ledger = composeServices(
    loadConfig({
      ...env,
      USAGE_TABLE: 'bench-usage',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      QUOTA_BYTES: String(1024 ** 4),
    }),
    { usage: composeUsage },
  );
  try {
    await ensureUsageTable(ledger.usage!.table.client, 'bench-usage');
    let round = 0;
    const { stats, a, b } = await alternate(
      options.rounds,
      () => confirmBatch(ledger, (round += 1), options.confirms),
      () => confirmBatch(plain, (round += 1), options.confirms),
      (withLedger, without) => withLedger / without,
    );
    const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
    const per = options.rounds * options.confirms;
    return { confirms: options.confirms, stats, withMs: total(a) / per, withoutMs: total(b) / per };
  } finally {
    plain.client.destroy();
    ledger.client.destroy();
    ledger.usage?.table.client.destroy();
    await dynamo.close();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
};

export const formatQuotaBench = (report: QuotaBenchReport): string =>
  [
    `DraftStore benchmark Q1: confirm with the usage ledger (dynalite) against without, ${report.confirms} confirms a round`,
    `  per confirm: ${report.withMs.toFixed(1)} ms with the ledger, ${report.withoutMs.toFixed(1)} ms without`,
    `  ${formatRatio('Q1 confirm time, ledger / none', report.stats, { atMost: 2 })}`,
  ].join('\n');
