import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { seededRandom } from '../../bench/soak/seeded-random.js';
import { startServerProcess, type ServerProcess } from '../../bench/soak/server-process.js';
import { startCli } from '../helpers/cli.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { startHoldingProxy, type HoldingProxy } from '../helpers/holding-proxy.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { putPart, type SignedPartJson } from '../helpers/multipart.js';
import { putPresigned } from '../helpers/uploads.js';
import { checkLedger, Ledger, sha256 } from './chaos-ledger.js';
import { startRgw, stopRgw, type RgwInstance } from './global-setup.js';
import { killRadosgw, restartRadosgw } from './rgw-daemon.js';
import {
  describeRgw,
  listKeys,
  listUploads,
  rgwClient,
  startRgwRuntime,
  uniqueBucket,
} from './stores.js';

jest.setTimeout(300_000);

const MIB = 1024 * 1024;
const OWNER = 'anonymous';
const SEED = Number(process.env.CHAOS_SEED ?? randomInt(1, 2 ** 31));
process.stdout.write(`[chaos] seed ${SEED} (rerun with CHAOS_SEED=${SEED})\n`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `ready()` holds, checking every few milliseconds. */
const when = async (ready: () => boolean, timeoutMs = 60_000): Promise<void> => {
  for (const started = Date.now(); !ready(); await sleep(5)) {
    if (Date.now() - started > timeoutMs) throw new Error('the awaited moment never came');
  }
};

/** POSTs JSON to the API; a connection the server never answers counts as status 0. */
const post = async (apiUrl: string, path: string, body: unknown) => {
  try {
    const response = await fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  } catch {
    return { status: 0, json: undefined };
  }
};

/** Uploads a draft through the API (presigned PUT) and records it in the ledger. */
const uploadDraft = async (apiUrl: string, ledger: Ledger, name: string, bytes: Buffer) => {
  const signed = await post(apiUrl, '/api/v1/upload-url', { object_name: name });
  expect(signed.status).toBe(200);
  const put = await putPresigned(signed.json.upload_url, bytes, signed.json.headers);
  expect(put.status).toBe(200);
  ledger.add({
    key: `${OWNER}/${name}`,
    kind: 'put',
    size: bytes.length,
    sha256: sha256(bytes),
    draftedAt: Date.now(),
    state: 'draft',
  });
};

/** Marks a ledger entry as what a 200 confirm told its client. */
const toldConfirmed = (ledger: Ledger, name: string) => {
  const entry = [...ledger.entries()].find((candidate) => candidate.key === `${OWNER}/${name}`)!;
  entry.state = 'confirmed';
};

// One private RGW for this file: its radosgw is killed and restarted, which must not
// disturb the shared instance other files use.
describeRgw('chaos: crashes and restarts mid-flow', () => {
  let rgw: RgwInstance;
  let direct: S3Client;
  let folder: string;

  beforeAll(async () => {
    rgw = await startRgw();
    direct = rgwClient(rgw);
    folder = await mkdtemp(join(tmpdir(), 'draftstore-chaos-'));
  });
  afterAll(async () => {
    direct?.destroy();
    if (rgw) await stopRgw(rgw.directory);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  describe('radosgw SIGKILLed and restarted', () => {
    let proxy: CountingProxy;
    let api: TestRuntime;
    let sweepClock: Date | undefined;

    beforeEach(async () => {
      proxy = await startCountingProxy(rgw.endpoint);
      sweepClock = undefined;
      api = await startRgwRuntime(
        { ...rgw, endpoint: proxy.endpoint },
        { OBJECT_LIFETIME: '3600' },
        { clock: () => sweepClock ?? new Date() },
      );
    });
    afterEach(async () => {
      await api?.stop();
      await proxy?.close();
    });

    it('mid 200 MiB CLI upload: the rerun sends only the missing parts, and the bytes match', async () => {
      // prepare
      const ledger = new Ledger();
      const bytes = randomBytes(200 * MIB);
      const file = join(folder, 'big.bin');
      await writeFile(file, bytes);
      const cache = join(folder, 'cache');
      const env = { DRAFTSTORE_API_URL: api.apiUrl, DRAFTSTORE_CACHE_DIR: cache };
      const args = ['upload', file, '--part-size', '8MiB', '--concurrency', '4', '--confirm'];
      // Killed once the CLI reports 30 to 60 % (seeded).
      const killTens = 3 + Math.floor(seededRandom(SEED)() * 4);

      // act: the gateway dies mid-upload and stays down until the CLI gives up
      const first = startCli(args, env);
      await first.waitForStderr(new RegExp(`big\\.bin: [${killTens}-9]\\d%`));
      await killRadosgw(rgw);
      const failed = await first.done;
      await proxy.idle();
      await restartRadosgw(rgw);

      // assess: the first run failed, and the store kept what it had acknowledged
      expect(failed.code).not.toBe(0);
      const records = await readdir(join(cache, 'uploads'));
      expect(records).toHaveLength(1);
      const record = JSON.parse(await readFile(join(cache, 'uploads', records[0]!), 'utf8'));
      const listed = await api.post('/api/v1/multipart/list-parts', {
        object_name: record.object_name,
        upload_id: record.upload_id,
        upload_token: record.upload_token,
      });
      expect(listed.status).toBe(200);
      const held = listed.json.parts.length as number;
      expect(held).toBeGreaterThanOrEqual(1);
      expect(held).toBeLessThan(25);

      const missing = Array.from({ length: 25 }, (_, index) => index + 1).filter(
        (number) =>
          !listed.json.parts.some((part: { part_number: number }) => part.part_number === number),
      );
      const requestsBefore = proxy.requests.length;
      const rerun = startCli([...args, '--json'], env);
      const done = await rerun.done;
      expect(done.code).toBe(0);
      const result = JSON.parse(done.stdout);
      expect(result).toMatchObject({ resumed: true, part_count: 25, parts_sent: 25 - held });
      // Only missing parts go out; a part PUT may be repeated (a retry), never a held one.
      // (Confirm's copy in parts also sends partNumber PUTs, to main, and the part-copy probe
      // one under draftstore:probe/ in the draft bucket: only big.bin's count.)
      const draftParts = new RegExp(
        `^PUT /${api.config.buckets.draft}/${OWNER}/big\\.bin\\?.*[?&]partNumber=(\\d+)`,
      );
      const partsPut = proxy.requests
        .slice(requestsBefore)
        .map((line) => draftParts.exec(line)?.[1])
        .filter((number) => number !== undefined)
        .map(Number);
      process.stdout.write(
        `[chaos] CLI: killed at ${killTens}0 %, ${held} parts held, rerun PUT parts ${partsPut.join(',')}\n`,
      );
      expect([...new Set(partsPut)].sort((a, b) => a - b)).toEqual(missing);
      expect(result.confirmed).toMatchObject({ size: bytes.length });
      ledger.add({
        key: `${OWNER}/big.bin`,
        kind: 'multipart',
        size: bytes.length,
        sha256: sha256(bytes),
        draftedAt: Date.now(),
        state: 'confirmed',
      });
      expect(await checkLedger(ledger, direct, api.config.buckets)).toEqual([]);
      expect(await listUploads(direct, api.config.buckets.draft)).toEqual([]);
      await rm(file);
    });

    it('mid burst of confirms: every 200 holds in main, and the others confirm on retry', async () => {
      // prepare
      const random = seededRandom(SEED + 1);
      const ledger = new Ledger();
      const names = Array.from({ length: 40 }, (_, index) => `burst/${index}.bin`);
      for (const name of names) {
        await uploadDraft(
          api.apiUrl,
          ledger,
          name,
          randomBytes(1 + Math.floor(random() * 256 * 1024)),
        );
      }
      const { main } = api.config.buckets;
      const answersBeforeKill = 1 + Math.floor(random() * 10);
      let answered200 = 0;
      const confirm = async (name: string) => {
        const answer = await post(api.apiUrl, '/api/v1/confirm-upload', { object_name: name });
        if (answer.status === 200) answered200 += 1;
        return answer;
      };

      // act: radosgw dies once the seeded number of confirms has been answered 200. Confirms go
      // 8 at a time, and none starts between that moment and the gateway's death: those in
      // flight are cut mid-way, the rest meet a dead gateway (all 40 at once could all be
      // answered before the kill lands, leaving nothing to retry).
      const killed = when(() => answered200 >= answersBeforeKill).then(() => killRadosgw(rgw));
      const first: Awaited<ReturnType<typeof confirm>>[] = [];
      let next = 0;
      const confirmInTurn = async () => {
        for (let index = next++; index < names.length; index = next++) {
          if (answered200 >= answersBeforeKill) await killed;
          first[index] = await confirm(names[index]!);
        }
      };
      await Promise.all(Array.from({ length: 8 }, confirmInTurn));
      await killed;
      for (const [index, name] of names.entries()) {
        if (first[index]!.status === 200) toldConfirmed(ledger, name);
      }
      await restartRadosgw(rgw);
      // What the clients were told before the gateway came back holds already: a 200 is in
      // main with its bytes. (A draft whose confirm failed may be in both buckets until retried.)
      const told = [...ledger.entries()].filter((entry) => entry.state === 'confirmed');
      for (const entry of told) {
        const stored = await direct.send(new GetObjectCommand({ Bucket: main, Key: entry.key }));
        expect(sha256(await stored.Body!.transformToByteArray())).toBe(entry.sha256);
      }
      const retried = names.filter((_, index) => first[index]!.status !== 200);
      for (const name of retried) {
        let answer = await post(api.apiUrl, '/api/v1/confirm-upload', { object_name: name });
        for (let attempt = 0; answer.status !== 200 && attempt < 20; attempt += 1) {
          await sleep(250);
          answer = await post(api.apiUrl, '/api/v1/confirm-upload', { object_name: name });
        }
        expect({ name, status: answer.status }).toEqual({ name, status: 200 });
        toldConfirmed(ledger, name);
      }

      // assess
      process.stdout.write(
        `[chaos] confirm burst: killed after ${answersBeforeKill} answers of 200; ${40 - retried.length} answered 200, ` +
          `${retried.length} confirmed on retry (first answers ${[...new Set(first.map((a) => a.status))].join(', ')})\n`,
      );
      expect(retried.length).toBeGreaterThan(0);
      expect(40 - retried.length).toBeGreaterThanOrEqual(answersBeforeKill);
      expect(await checkLedger(ledger, direct, api.config.buckets)).toEqual([]);
      expect(ledger.counts().confirmed).toBe(40);
    });

    it('mid sweep: the next sweep finishes the work, and no live draft is deleted', async () => {
      // prepare: 300 expired drafts and 3 stale uploads, then 20 live drafts
      const ledger = new Ledger();
      const { draft } = api.config.buckets;
      const expired = Array.from({ length: 300 }, (_, index) => `${OWNER}/old/${index}.bin`);
      for (let start = 0; start < expired.length; start += 20) {
        await Promise.all(
          expired.slice(start, start + 20).map(async (key) => {
            const bytes = randomBytes(1024);
            await direct.send(new PutObjectCommand({ Bucket: draft, Key: key, Body: bytes }));
            ledger.add({
              key,
              kind: 'put',
              size: 1024,
              sha256: sha256(bytes),
              draftedAt: 0,
              state: 'draft',
            });
          }),
        );
      }
      for (const index of [1, 2, 3]) {
        await direct.send(
          new CreateMultipartUploadCommand({ Bucket: draft, Key: `${OWNER}/stale/${index}.bin` }),
        );
      }
      // Store times have whole seconds: a second on each side of the cutoff.
      await sleep(2000);
      const cutoff = Date.now() - 1000;
      await sleep(1000);
      for (let index = 0; index < 20; index += 1) {
        await uploadDraft(api.apiUrl, ledger, `live/${index}.bin`, randomBytes(2048));
      }
      sweepClock = new Date(cutoff + 3600 * 1000);
      // A batch delete, or (where the store honours If-Match on delete) a conditional one.
      const deletes = () =>
        proxy.requests.filter(
          (line) =>
            line.startsWith(`POST /${draft}/?delete`) ||
            line.startsWith(`DELETE /${draft}/${OWNER}/old/`),
        ).length;

      // act: radosgw dies as the first delete reaches it, and is started again
      // The sweep retries each key a few times, a store down for long makes it grind through
      // every key: the gateway comes back while the sweep runs, as a restarted one would.
      const restarted = when(() => deletes() >= 1)
        .then(() => killRadosgw(rgw))
        .then(() => restartRadosgw(rgw));
      // RGW streams DeleteObjects' answer key by key, and the proxy keeps the client's socket
      // open when the gateway dies mid-answer (as a load balancer may): only the S3 client's
      // idle-socket timeout (60 s) ends that request. A sweep still stuck after that, and the
      // retries to the restarted gateway, must show as such, not as jest's timeout.
      let timer: NodeJS.Timeout | undefined;
      const interrupted = await Promise.race([
        api.services.cleaner.sweep().catch((error: Error) => error),
        new Promise<never>((_, fail) => {
          timer = setTimeout(
            () =>
              fail(
                new Error(
                  `the sweep interrupted by the kill had not returned after 150 s (seed ${SEED})`,
                ),
              ),
            150_000,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      await restarted;
      const next = await api.services.cleaner.sweep();

      // assess
      process.stdout.write(
        `[chaos] sweep: interrupted ${interrupted instanceof Error ? `with ${interrupted.message}` : JSON.stringify(interrupted)}; ` +
          `next ${JSON.stringify(next)}\n`,
      );
      expect(next).toMatchObject({ complete: true, failed: 0, uploadListingFailures: 0 });
      expect(await checkLedger(ledger, direct, api.config.buckets, 3600 * 1000)).toEqual([]);
      const left = [...(await listKeys(direct, draft)).keys()].sort();
      expect(left).toEqual(
        Array.from({ length: 20 }, (_, index) => `${OWNER}/live/${index}.bin`).sort(),
      );
      expect(await listUploads(direct, draft)).toEqual([]);
    });
  });

  describe('the local runtime SIGKILLed mid-flow and restarted', () => {
    const bucket = uniqueBucket();
    const buckets = { main: bucket, draft: `${bucket}-draft` };
    let dataDirectory: string;
    let server: ServerProcess | undefined;
    let holding: HoldingProxy | undefined;

    /** `npm start` on RGW as its own process, its S3 traffic through a proxy that holds one answer. */
    const startServer = async (hold: RegExp) => {
      holding = await startHoldingProxy(`http://${rgw.endpoint}`, hold);
      server = await startServerProcess({
        STORAGE_TYPE: 'minio',
        MINIO_ENDPOINT: holding.url.replace(/^http:\/\//, ''),
        MINIO_ACCESS_KEY: rgw.accessKey,
        MINIO_SECRET_KEY: rgw.secretKey,
        MINIO_REGION: rgw.region,
        BUCKET_NAME: bucket,
        OBJECT_LIFETIME: '3600',
        CLEANUP_INTERVAL: '0',
        S3_PART_COPY_SOURCE_DECODED_TWICE: 'true',
        // The upload-token key lives here: a restarted server must accept the old tokens.
        DRAFTSTORE_DATA_DIR: dataDirectory,
      });
      return server;
    };
    /** Kills the server once the held request was done at the store; its answer never arrives. */
    const crashWhenHeld = async (request: Promise<unknown>) => {
      let crashing = false;
      const early = request.then((answer) => {
        if (!crashing) throw new Error(`answered before the crash: ${JSON.stringify(answer)}`);
      });
      await Promise.race([holding!.held(), early]);
      crashing = true;
      await server!.kill();
      await holding!.close();
      return request;
    };

    beforeAll(async () => {
      dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-chaos-server-'));
    });
    afterAll(async () => {
      await server?.stop();
      await holding?.close();
      await rm(dataDirectory, { recursive: true, force: true });
    });

    it('mid-confirm and mid-complete: reruns converge, and the sweep leaves no orphan upload', async () => {
      const ledger = new Ledger();
      const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      const at = (stage: string, name: string) => `^/${escape(stage)}/${OWNER}/${escape(name)}`;

      // A small confirm: crash once the copy to main is done.
      let api = await startServer(new RegExp(`${at(buckets.main, 'small.bin')}\\?x-id=CopyObject`));
      await uploadDraft(api.apiUrl, ledger, 'small.bin', randomBytes(300 * 1024));
      const small = await crashWhenHeld(
        post(api.apiUrl, '/api/v1/confirm-upload', { object_name: 'small.bin' }),
      );
      expect(small).toMatchObject({ status: 0 });

      // A 70 MiB confirm copies in parts: crash once part 1 is copied (an orphan upload in main).
      api = await startServer(new RegExp(`${at(buckets.main, 'large.bin')}\\?partNumber=1&`));
      await uploadDraft(api.apiUrl, ledger, 'large.bin', randomBytes(70 * MIB));
      await crashWhenHeld(post(api.apiUrl, '/api/v1/confirm-upload', { object_name: 'large.bin' }));
      expect(await listUploads(direct, buckets.main)).toEqual([`${OWNER}/large.bin`]);

      // A multipart upload: crash once the store completed it; another one is abandoned.
      api = await startServer(new RegExp(`${at(buckets.draft, 'parts.bin')}\\?uploadId=`));
      const parts = randomBytes(12 * MIB);
      const created = await post(api.apiUrl, '/api/v1/multipart/create', {
        object_name: 'parts.bin',
        content_length: parts.length,
        part_size: 5 * MIB,
      });
      const reference = {
        object_name: 'parts.bin',
        upload_id: created.json.upload_id,
        upload_token: created.json.upload_token,
      };
      const signed = await post(api.apiUrl, '/api/v1/multipart/sign-parts', {
        ...reference,
        part_numbers: [1, 2, 3],
      });
      const etags = [];
      for (const part of signed.json.parts as SignedPartJson[]) {
        const start = (part.part_number - 1) * 5 * MIB;
        const answer = await putPart(part, parts.subarray(start, start + 5 * MIB));
        expect(answer.status).toBe(200);
        etags.push({ part_number: part.part_number, etag: answer.headers.get('etag')! });
      }
      const abandoned = await post(api.apiUrl, '/api/v1/multipart/create', {
        object_name: 'abandoned.bin',
        content_length: 6 * MIB,
      });
      expect(abandoned.status).toBe(200);
      await crashWhenHeld(
        post(api.apiUrl, '/api/v1/multipart/complete', { ...reference, parts: etags }),
      );

      // Restarted: every rerun converges.
      api = await startServer(/^$/);
      expect(
        await post(api.apiUrl, '/api/v1/confirm-upload', { object_name: 'small.bin' }),
      ).toMatchObject({
        status: 200,
        json: { size: 300 * 1024 },
      });
      toldConfirmed(ledger, 'small.bin');
      expect(
        await post(api.apiUrl, '/api/v1/confirm-upload', { object_name: 'large.bin' }),
      ).toMatchObject({
        status: 200,
        json: { size: 70 * MIB },
      });
      toldConfirmed(ledger, 'large.bin');
      const completed = await post(api.apiUrl, '/api/v1/multipart/complete', {
        ...reference,
        parts: etags,
      });
      expect(completed).toMatchObject({ status: 200, json: { size: parts.length } });
      ledger.add({
        key: `${OWNER}/parts.bin`,
        kind: 'multipart',
        size: parts.length,
        sha256: sha256(parts),
        draftedAt: Date.now(),
        state: 'draft',
      });
      expect(
        await post(api.apiUrl, '/api/v1/confirm-upload', { object_name: 'parts.bin' }),
      ).toMatchObject({
        status: 200,
      });
      toldConfirmed(ledger, 'parts.bin');
      expect(await checkLedger(ledger, direct, buckets)).toEqual([]);
      await server!.stop();

      // The sweep, two hours on, leaves no upload in either bucket and touches main not at all.
      const orphans = {
        draft: await listUploads(direct, buckets.draft),
        main: await listUploads(direct, buckets.main),
      };
      process.stdout.write(`[chaos] uploads left by the crashes: ${JSON.stringify(orphans)}\n`);
      expect(orphans.draft).toEqual([`${OWNER}/abandoned.bin`]);
      const sweeper = await startRgwRuntime(
        rgw,
        { BUCKET_NAME: bucket, OBJECT_LIFETIME: '3600' },
        { clock: () => new Date(Date.now() + 2 * 3600 * 1000) },
      );
      try {
        const summary = await sweeper.services.cleaner.sweep();
        expect(summary).toMatchObject({ complete: true, failed: 0 });
        expect(summary.abortedUploads).toBeGreaterThanOrEqual(orphans.draft.length);
      } finally {
        await sweeper.stop();
      }
      expect(await listUploads(direct, buckets.draft)).toEqual([]);
      expect(await listUploads(direct, buckets.main)).toEqual([]);
      expect(await checkLedger(ledger, direct, buckets)).toEqual([]);
    });
  });
});
