import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { build } from 'esbuild';
import { lambdaBuildOptions, PROJECT_ROOT } from '../lib/bundle-options.js';
import { startEmbeddedS3 } from '../local/embedded-s3.js';
import {
  deployedEnvironment,
  physicalIds,
  type LoopbackStore,
} from '../test/helpers/as-deployed.js';
import {
  CDK_OUT,
  deployedFunctions,
  functionUrlTarget,
  readTemplate,
  routeTargets,
  scheduleTargets,
  type DeployedFunction,
} from '../test/helpers/cdk-out.js';
import { startCountingProxy } from '../test/helpers/counting-proxy.js';
import { startTestUsageTable } from '../test/helpers/dynalite.js';
import { startFakeSecrets } from '../test/helpers/fake-secrets.js';
import { invokeBundle } from '../test/helpers/invoke-bundle.js';
import { putWith } from '../test/conformance/stores.js';
import { connectEvent, httpApiEvent, scheduledEvent } from '../test/helpers/lambda-events.js';
import { alternate, formatRatio, type RatioStats } from './ratio.js';
import type { StoreAnchorEvent } from './bare-store-handler.js';
import { requestShape, STORE_ANCHORS, type AnchorContext } from './store-anchors.js';

/**
 * P2: each cdk.out bundle, cold (import + first invoke, in a fresh Node 24 process, with
 * its template environment on the embedded store), against its anchor built with exactly
 * the functions' esbuild options: a plain-client bundle making the same S3 and Secrets
 * Manager requests (bench/store-anchors.ts) for a function whose first invoke makes any,
 * else the bare presigning bundle; and each bundle's minified code size against the bare
 * one's.
 */
/** One cold start, in ms: the module import and the first handler call. */
export interface Timing {
  readonly total: number;
  readonly importMs: number;
  readonly invokeMs: number;
}

export interface ColdStartRow {
  readonly name: string;
  readonly bytes: number;
  readonly sizeRatio: number;
  readonly sizeGoal: number;
  readonly init: RatioStats;
  /** Medians of A (the function) and B (its anchor), in ms: in all, import, first invoke. */
  readonly medianMs: { readonly function: Timing; readonly bare: Timing };
  /** S3 requests the first invoke makes (its anchor makes the same), counted in an untimed run. */
  readonly storeRequests: number;
  /** What the function is timed against: the bare presign bundle, or the bundle that makes its requests. */
  readonly anchor: 'bare presign' | 'same requests';
}

export interface ColdStartReport {
  readonly bareBytes: number;
  readonly rounds: number;
  readonly rows: readonly ColdStartRow[];
  /** Functions not measured, and why. */
  readonly skipped: readonly string[];
}

const INIT_GOAL = 1.2;
const SIZE_GOAL = 1.3;
const CONNECT_SIZE_GOAL = 1.6;

const BARE_ENTRY = join(PROJECT_ROOT, 'bench', 'bare-presign-handler.ts');

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const runColdStartBench = async (
  options: {
    rounds?: number;
    log?: (line: string) => void;
    /** Construct names (`UploadUrl`, ...) to measure; all by default. */
    only?: readonly string[];
  } = {},
): Promise<ColdStartReport> => {
  const rounds = options.rounds ?? 5;
  const log = options.log ?? (() => undefined);
  if (!existsSync(join(CDK_OUT, 'DraftStore.template.json'))) {
    throw new Error('P2 needs the synthesized bundles: run `npm run synth` first.');
  }
  const template = readTemplate();
  const functions = deployedFunctions(template);
  const routes = routeTargets(template, functions);
  const connect = functionUrlTarget(template, functions);
  const schedules = scheduleTargets(template, functions);

  const work = mkdtempSync(join(tmpdir(), 'draftstore-cold-'));
  const bare = join(work, 'bare', 'index.mjs');
  await build(lambdaBuildOptions(BARE_ENTRY, bare));
  const bareBytes = statSync(bare).size;
  const storeAnchor = join(work, 'store', 'index.mjs');
  const storeSecretAnchor = join(work, 'store-secret', 'index.mjs');
  await build(
    lambdaBuildOptions(join(PROJECT_ROOT, 'bench', 'bare-store-handler.ts'), storeAnchor),
  );
  await build(
    lambdaBuildOptions(
      join(PROJECT_ROOT, 'bench', 'bare-store-secret-handler.ts'),
      storeSecretAnchor,
    ),
  );

  const deployment = { mainBucket: 'cold-main', draftBucket: 'cold-draft' };
  const keys = { accessKey: 'cold-access', secretKey: 'cold-secret' };
  const embedded = await startEmbeddedS3({
    host: '127.0.0.1',
    port: 0,
    directory: join(work, 's3'),
    buckets: [deployment.mainBucket, deployment.draftBucket],
    ...keys,
  });
  // The stack's usage table, in dynalite: the functions that keep or read usage reach it.
  const usageTable = await startTestUsageTable();
  const store: LoopbackStore = {
    endpoint: `http://${embedded.endpoint}`,
    ...keys,
    region: 'us-east-1',
    dynamoDbEndpoint: usageTable.endpoint,
  };
  const s3 = new S3Client({
    endpoint: store.endpoint,
    forcePathStyle: true,
    region: store.region,
    credentials: { accessKeyId: keys.accessKey, secretAccessKey: keys.secretKey },
  });
  // The multipart functions (and Connect) read the upload token key on first use: from a
  // stand-in for Secrets Manager and the Parameters and Secrets extension, with the template's
  // secret Ref resolved to this ARN.
  const secretArn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:cold-upload-token';
  const secrets = await startFakeSecrets({ [secretArn]: 'k'.repeat(64) });
  const physical = physicalIds(template, {
    ...deployment,
    uploadTokenSecretArn: secretArn,
    usageTable: usageTable.table,
  });
  const environmentOf = (fn: DeployedFunction, target: LoopbackStore = store) => {
    const env = deployedEnvironment(fn, physical, target);
    return Object.values(env).includes(secretArn) ? { ...env, ...secrets.environment } : env;
  };
  // Only for counting: the timed runs talk to the store directly, so the proxy's hop is in
  // no measured figure.
  const counter = await startCountingProxy(embedded.endpoint);
  const counted: LoopbackStore = { ...store, endpoint: `http://${counter.endpoint}` };

  /** A fresh draft, for the calls that need one (confirm moves it, delete removes it). */
  const seedDraft = async (): Promise<string> => {
    const name = `cold/${randomUUID()}.txt`;
    await s3.send(
      new PutObjectCommand({
        Bucket: deployment.draftBucket,
        Key: `anonymous/${name}`,
        Body: 'cold start',
        ContentType: 'text/plain',
      }),
    );
    return name;
  };

  /** Runs a function (untimed) to prepare another's event: its answer's JSON body. */
  const prepare = async (routeKey: string, body: unknown): Promise<Record<string, unknown>> => {
    const fn = routes.get(routeKey)!;
    const [method, path] = routeKey.split(' ') as ['GET' | 'POST', string];
    const { result } = await invokeBundle<APIGatewayProxyStructuredResultV2>({
      bundle: fn.bundle,
      event: httpApiEvent(method, path, body),
      env: environmentOf(fn),
    });
    if (result.statusCode !== 200) throw new Error(`${routeKey} answered ${result.body}`);
    return JSON.parse(result.body!) as Record<string, unknown>;
  };
  /** A fresh multipart upload of one 10-byte part: what the later multipart calls name. */
  const startUpload = async () => {
    const object_name = `cold/${randomUUID()}.bin`;
    const { upload_id, upload_token } = await prepare('POST /api/v1/multipart/create', {
      object_name,
      content_length: 10,
      content_type: 'application/octet-stream',
    });
    return { object_name, upload_id, upload_token };
  };
  const uploadedPart = async () => {
    const upload = await startUpload();
    const { parts } = (await prepare('POST /api/v1/multipart/sign-parts', {
      ...upload,
      part_numbers: [1],
    })) as { parts: { url: string; headers: Record<string, string> }[] };
    const put = await putWith(parts[0]!.url, parts[0]!.headers, Buffer.alloc(10, 'x'));
    const etag = put.headers.etag;
    if (put.status !== 200 || typeof etag !== 'string') throw new Error(`part PUT: ${put.status}`);
    return { ...upload, parts: [{ part_number: 1, etag }] };
  };

  /** The first request a function would typically get. */
  const routeEvents: Record<string, () => Promise<unknown>> = {
    'POST /api/v1/upload-url': async () => ({
      object_name: 'cold/a.txt',
      content_type: 'text/plain',
      content_length: 10,
    }),
    'POST /api/v1/upload-form': async () => ({
      object_name: 'cold/a.txt',
      content_type: 'text/plain',
    }),
    'POST /api/v1/download-url': async () => ({ object_name: await seedDraft() }),
    'POST /api/v1/confirm-upload': async () => ({ object_name: await seedDraft() }),
    'POST /api/v1/object-info': async () => ({ object_name: await seedDraft(), stage: 'draft' }),
    'POST /api/v1/list-objects': async () => ({ stage: 'draft', limit: 10 }),
    'POST /api/v1/delete-object': async () => ({ object_name: await seedDraft(), stage: 'draft' }),
    'GET /health': async () => undefined,
    'POST /api/v1/draft/bucket': async () => ({}),
    'POST /api/v1/draft/upload-url': async () => ({ object_name: 'cold/a.txt' }),
    'POST /api/v1/draft/download-url': async () => ({ object_name: await seedDraft() }),
    'POST /api/v1/draft/confirm': async () => ({ object_name: await seedDraft() }),
    'POST /api/v1/multipart/create': async () => ({
      object_name: `cold/${randomUUID()}.bin`,
      content_length: 10,
      content_type: 'application/octet-stream',
    }),
    'POST /api/v1/multipart/sign-parts': async () => ({
      ...(await startUpload()),
      part_numbers: [1],
    }),
    'POST /api/v1/multipart/list-parts': startUpload,
    'POST /api/v1/multipart/complete': uploadedPart,
    'POST /api/v1/multipart/abort': startUpload,
  };

  const skipped: string[] = [];
  /** A function, its first event, and (when its first invoke reaches the store) its anchor's event. */
  const measured: {
    fn: DeployedFunction;
    event: () => Promise<unknown>;
    anchorEvent?: () => Promise<StoreAnchorEvent>;
  }[] = [];
  const anchorContext: AnchorContext = { ...deployment, secretArn };
  const anchorEventOf = (key: string, body: () => Promise<unknown>) => {
    const recipe = STORE_ANCHORS[key];
    return (
      recipe &&
      (async () => recipe(((await body()) ?? {}) as Record<string, unknown>, anchorContext))
    );
  };
  for (const [routeKey, fn] of routes) {
    const body = routeEvents[routeKey];
    if (!body) {
      skipped.push(`${fn.name} (${routeKey}: no representative event in the bench)`);
      continue;
    }
    const [method, path] = routeKey.split(' ') as ['GET' | 'POST', string];
    const anchorEvent = anchorEventOf(routeKey, body);
    measured.push({
      fn,
      event: async () => httpApiEvent(method, path, await body()),
      ...(anchorEvent && { anchorEvent }),
    });
  }
  for (const { fn, input } of schedules) {
    const anchorEvent = anchorEventOf('schedule', async () => undefined);
    measured.push({
      fn,
      event: async () => input ?? scheduledEvent(),
      ...(anchorEvent && { anchorEvent }),
    });
  }
  measured.push({
    fn: connect,
    event: async () =>
      connectEvent('GetUploadURL', { objectName: 'cold/a.txt', contentType: 'text/plain' }),
  });

  if (options.only) {
    const wanted = options.only;
    const unknown = wanted.filter((name) => !measured.some(({ fn }) => fn.name === name));
    if (unknown.length > 0)
      throw new Error(`BENCH_P2_FUNCTIONS: no function ${unknown.join(', ')}`);
    measured.splice(0, measured.length, ...measured.filter(({ fn }) => wanted.includes(fn.name)));
  }

  /** One cold process: import plus first invoke, in ms; an error answer is a failed bench. */
  const coldRun = async (
    bundle: string,
    name: string,
    fn: DeployedFunction,
    event: unknown,
    target: LoopbackStore = store,
  ): Promise<Timing> => {
    const run = await invokeBundle<APIGatewayProxyStructuredResultV2 | undefined>({
      bundle,
      event,
      env: environmentOf(fn, target),
      functionName: name,
      timeoutMs: fn.timeoutSeconds * 1000,
    });
    const status = run.result?.statusCode;
    if (status !== undefined && status >= 400) {
      throw new Error(`${name} answered ${status}: ${run.result?.body}\n${run.output}`);
    }
    return { total: run.importMs + run.invokeMs, importMs: run.importMs, invokeMs: run.invokeMs };
  };
  const presignOnly = routes.get('POST /api/v1/upload-url')!;
  const cold = (fn: DeployedFunction, event: unknown, target?: LoopbackStore) =>
    coldRun(fn.bundle, fn.name, fn, event, target);
  const bareCold = () => coldRun(bare, 'bare', presignOnly, bareEvent);
  /** The anchor bundle that makes the function's requests: with the secret read if it has one. */
  const anchorCold = (fn: DeployedFunction, event: StoreAnchorEvent, target?: LoopbackStore) =>
    coldRun(
      event.secretArn ? storeSecretAnchor : storeAnchor,
      `${fn.name}-anchor`,
      fn,
      event,
      target,
    );

  const secretReads = () => [...secrets.reads.values()].reduce((sum, reads) => sum + reads, 0);
  /** What one untimed cold run sends: S3 requests through the counting proxy, and secret reads. */
  const traffic = async (run: (target: LoopbackStore) => Promise<unknown>) => {
    const before = counter.requests.length;
    const readsBefore = secretReads();
    await run(counted);
    return { requests: counter.requests.slice(before), secretReads: secretReads() - readsBefore };
  };
  const shapes = (requests: readonly string[]) => requests.map(requestShape).sort().join(', ');
  const bareEvent = httpApiEvent('POST', '/api/v1/upload-url', { object_name: 'cold/a.txt' });

  const rows: ColdStartRow[] = [];
  try {
    for (const { fn, event, anchorEvent } of measured) {
      let measuredRun: Awaited<ReturnType<typeof alternate<Timing>>>;
      let storeRequests: number;
      try {
        const sent = await traffic((target) => event().then((first) => cold(fn, first, target)));
        storeRequests = sent.requests.length;
        if (anchorEvent) {
          // The anchor must send what the function sends, or the ratio compares different work.
          const anchorSent = await traffic(async (target) =>
            anchorCold(fn, await anchorEvent(), target),
          );
          if (
            shapes(anchorSent.requests) !== shapes(sent.requests) ||
            anchorSent.secretReads !== sent.secretReads
          ) {
            throw new Error(
              `its anchor sends ${shapes(anchorSent.requests)} (+${anchorSent.secretReads} secret reads), the function ${shapes(sent.requests)} (+${sent.secretReads})`,
            );
          }
        } else if (storeRequests > 0 || sent.secretReads > 0) {
          throw new Error(`its first invoke sends ${shapes(sent.requests)}, and it has no anchor`);
        }
        measuredRun = await alternate(
          rounds,
          async () => cold(fn, await event()),
          anchorEvent ? async () => anchorCold(fn, await anchorEvent()) : bareCold,
          (functionRun, anchorRun) => functionRun.total / anchorRun.total,
        );
      } catch (error) {
        // One function that cannot run here (say, a new way of reading its secret) must not
        // hide the others' figures; it is listed, with the reason, after them.
        const reason = (error as Error).message.split('\n')[0];
        skipped.push(`${fn.name} (failed: ${reason})`);
        log(`  ${fn.name}: NOT MEASURED, ${reason}`);
        continue;
      }
      const { stats, a, b } = measuredRun;
      const bytes = statSync(fn.bundle).size;
      const row: ColdStartRow = {
        name: fn.name,
        bytes,
        sizeRatio: bytes / bareBytes,
        sizeGoal: fn === connect ? CONNECT_SIZE_GOAL : SIZE_GOAL,
        init: stats,
        medianMs: { function: medianTiming(a), bare: medianTiming(b) },
        storeRequests,
        anchor: anchorEvent ? 'same requests' : 'bare presign',
      };
      rows.push(row);
      log(formatRow(row));
    }
  } finally {
    s3.destroy();
    await counter.close();
    await secrets.close();
    await usageTable.close();
    await embedded.close();
    rmSync(work, { recursive: true, force: true });
  }
  return { bareBytes, rounds, rows, skipped };
};

const medianTiming = (runs: readonly Timing[]): Timing => ({
  total: median(runs.map((run) => run.total)),
  importMs: median(runs.map((run) => run.importMs)),
  invokeMs: median(runs.map((run) => run.invokeMs)),
});

const ms = (timing: Timing) =>
  `${timing.total.toFixed(0)} ms (import ${timing.importMs.toFixed(0)} + invoke ${timing.invokeMs.toFixed(0)})`;

const requests = (count: number) => `${count} S3 request${count === 1 ? '' : 's'}`;

/** `label: k of n met, medians a-b`, for the rows of one kind. */
const initGroup = (label: string, rows: readonly ColdStartRow[]): string => {
  if (rows.length === 0) return `  ${label}: none`;
  const medians = rows.map((row) => row.init.median);
  const met = rows.filter((row) => row.init.median <= INIT_GOAL).length;
  return `  ${label}: ${met} of ${rows.length} met, init medians ${Math.min(...medians).toFixed(2)}x-${Math.max(...medians).toFixed(2)}x`;
};

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const formatRow = (row: ColdStartRow): string =>
  [
    `  ${formatRatio(`${row.name} init`, row.init, { atMost: INIT_GOAL })} [medians ${ms(row.medianMs.function)} vs ${row.anchor === 'bare presign' ? 'bare presign' : 'anchor'} ${ms(row.medianMs.bare)}; first invoke: ${requests(row.storeRequests)}]`,
    `  ${row.name} size: ${kib(row.bytes)} = ${row.sizeRatio.toFixed(3)}x, goal <= ${row.sizeGoal}x: ${row.sizeRatio <= row.sizeGoal ? 'met' : 'NOT MET'}`,
  ].join('\n');

export const coldStartHeader = (rounds: number): string =>
  `P2 cold start: each cdk.out bundle (import + first invoke, fresh Node 24 process, template environment, embedded store) vs its anchor (same esbuild options): a plain S3Client making the same S3 and Secrets Manager requests, or the bare S3Client + getSignedUrl bundle for functions that make none; ${rounds} alternating rounds:`;

export const formatColdStartBench = (report: ColdStartReport): string => {
  const initMet = report.rows.filter((row) => row.init.median <= INIT_GOAL).length;
  const sizeMet = report.rows.filter((row) => row.sizeRatio <= row.sizeGoal).length;
  const medians = report.rows.map((row) => row.init.median);
  const sizes = report.rows.map((row) => row.sizeRatio);
  return [
    `P2 summary (bare bundle ${kib(report.bareBytes)}; ${report.rows.length} functions, ${report.rounds} rounds each):`,
    `  init ratio medians ${Math.min(...medians).toFixed(2)}x-${Math.max(...medians).toFixed(2)}x, goal <= ${INIT_GOAL}x: ${initMet === report.rows.length && report.skipped.length === 0 ? 'met' : `NOT MET (${report.rows.length - initMet} of ${report.rows.length} over)`}`,
    `  size ratios ${Math.min(...sizes).toFixed(3)}x-${Math.max(...sizes).toFixed(3)}x, goal <= ${SIZE_GOAL}x (Connect ${CONNECT_SIZE_GOAL}x): ${sizeMet === report.rows.length && report.skipped.length === 0 ? 'met' : `NOT MET (${report.rows.length - sizeMet} of ${report.rows.length} over)`}`,
    // A function whose first invoke reaches the store is timed against an anchor that pays
    // the same round trips; the others against the bare bundle, which presigns without I/O.
    initGroup(
      'against the bare presign bundle',
      report.rows.filter((row) => row.anchor === 'bare presign'),
    ),
    initGroup(
      'against an anchor making the same requests',
      report.rows.filter((row) => row.anchor === 'same requests'),
    ),
    ...report.skipped.map((name) => `  not measured (so not met): ${name}`),
  ].join('\n');
};
