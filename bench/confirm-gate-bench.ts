import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices, type Services } from '../lambdas/compose.js';
import { type Config, loadConfig } from '../lambdas/config.js';
import { confirmChecks } from '../lambdas/inspection/confirm-checks.js';
import { logger } from '../lambdas/observability/logger.js';
import { s3BucketCreator } from '../lambdas/storage/s3-bucket-setup.js';
import { startEmbeddedS3 } from '../local/embedded-s3.js';
import { startRgw, stopRgw, type RgwInstance } from '../test/conformance/global-setup.js';
import { png } from '../test/helpers/content-samples.js';
import { alternate, type RatioStats } from './ratio.js';

/**
 * P4b wall time: confirms of small PNG drafts with the gate on (CONTENT_SNIFFING=strict:
 * type sniffing and image rules over one ranged GET) against the same confirms with it off,
 * on the embedded store and on Ceph RGW, called on the domain services (no HTTP in front)
 * so that the gate's own cost is what differs. Both arms run the local runtime's code
 * path (STORAGE_TYPE=minio) against the same store.
 */
export interface ConfirmGateReport {
  readonly drafts: number;
  readonly stores: readonly { readonly store: string; readonly stats: RatioStats }[];
  /** Why RGW was not measured, when it was not. */
  readonly rgwSkipped?: string;
}

const caller = { owner: 'bench' };
const BODY = png(64, 64);

interface Store {
  readonly config: (sniffing: 'strict' | 'off') => Config;
  close(): Promise<void>;
}

const storeConfig =
  (endpoint: string, accessKey: string, secretKey: string, region: string, bucket: string) =>
  (sniffing: 'strict' | 'off'): Config =>
    loadConfig({
      STORAGE_TYPE: 'minio',
      MINIO_ENDPOINT: endpoint,
      MINIO_ACCESS_KEY: accessKey,
      MINIO_SECRET_KEY: secretKey,
      MINIO_REGION: region,
      BUCKET_NAME: bucket,
      CONTENT_SNIFFING: sniffing,
    });

const embeddedStore = async (): Promise<Store> => {
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-p4b-'));
  const store = await startEmbeddedS3({
    host: '127.0.0.1',
    port: 0,
    directory,
    buckets: ['p4b-draft', 'p4b'],
    accessKey: 'bench-access',
    secretKey: 'bench-secret',
  });
  return {
    config: storeConfig(store.endpoint, 'bench-access', 'bench-secret', 'us-east-1', 'p4b'),
    close: async () => {
      await store.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
};

const rgwStore = (rgw: RgwInstance): Store => ({
  config: storeConfig(
    rgw.endpoint,
    rgw.accessKey,
    rgw.secretKey,
    rgw.region,
    `p4b-${Date.now().toString(36)}`,
  ),
  close: () => stopRgw(rgw.directory),
});

/** Uploads `count` drafts (untimed), then times confirming them one after another. */
const confirmBatch = async (services: Services, arm: string, count: number): Promise<number> => {
  const names = Array.from({ length: count }, (_, index) => `p4b/${arm}-${index}.png`);
  for (const objectName of names) {
    const ticket = await services.drafts.uploadUrl(caller, {
      objectName,
      contentType: 'image/png',
      contentLength: BODY.length,
    });
    const put = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: BODY });
    if (!put.ok) throw new Error(`P4b: the draft PUT answered ${put.status}`);
  }
  const started = performance.now();
  for (const objectName of names) {
    const confirmed = await services.drafts.confirm(caller, { objectName });
    if (arm.startsWith('gate') && confirmed.width !== 64) {
      throw new Error('P4b: the gated confirm did not measure the image');
    }
  }
  return performance.now() - started;
};

const measure = async (store: Store, rounds: number, drafts: number): Promise<RatioStats> => {
  const plain = composeServices(store.config('off'), { bucketCreator: s3BucketCreator() });
  const gated = composeServices(store.config('strict'), { checks: confirmChecks });
  try {
    await plain.drafts.ensureBuckets();
    // One untimed batch each: the store's first writes and the libraries' first loads.
    await confirmBatch(gated, 'gate-warm', 2);
    await confirmBatch(plain, 'plain-warm', 2);
    let round = 0;
    const { stats } = await alternate(
      rounds,
      () => confirmBatch(gated, `gate-${round}`, drafts),
      () => confirmBatch(plain, `plain-${round++}`, drafts),
      (gate, off) => gate / off,
    );
    return stats;
  } finally {
    plain.client.destroy();
    gated.client.destroy();
  }
};

export const runConfirmGateBench = async (options: {
  rounds: number;
  drafts: number;
  log: (line: string) => void;
}): Promise<ConfirmGateReport> => {
  logger.setLogLevel('SILENT');
  const stores: { store: string; stats: RatioStats }[] = [];
  const embedded = await embeddedStore();
  try {
    stores.push({
      store: 'embedded',
      stats: await measure(embedded, options.rounds, options.drafts),
    });
  } finally {
    await embedded.close();
  }
  let rgw: RgwInstance;
  try {
    options.log('P4b: starting Ceph RGW');
    rgw = await startRgw();
  } catch (error) {
    return { drafts: options.drafts, stores, rgwSkipped: (error as Error).message.split('\n')[0] };
  }
  const onRgw = rgwStore(rgw);
  try {
    stores.push({ store: 'Ceph RGW', stats: await measure(onRgw, options.rounds, options.drafts) });
  } finally {
    await onRgw.close();
  }
  return { drafts: options.drafts, stores };
};

export const formatConfirmGateBench = (report: ConfirmGateReport): string =>
  [
    ...report.stores.map(
      ({ store, stats }) =>
        `P4b wall time of ${report.drafts} confirms of a small PNG, gate on against off, ${store}: median ${stats.median.toFixed(2)}x (range ${stats.min.toFixed(2)}x-${stats.max.toFixed(2)}x, ${stats.ratios.length} rounds); the cost of one ranged GET and the inspection`,
    ),
    ...(report.rgwSkipped ? [`P4b on Ceph RGW SKIPPED: ${report.rgwSkipped}`] : []),
  ].join('\n');
