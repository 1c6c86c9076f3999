import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { DraftStoreClient, type PutTransport } from '../../client/src/index.js';
import { nodeTransport } from '../../client/src/transport-node.js';
import { runCli, startCli, type RunningCli } from '../helpers/cli.js';
import { startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { startHoldingProxy, type HoldingProxy } from '../helpers/holding-proxy.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { sha256 } from '../helpers/uploads.js';
import { describeRgw, rawRequest, sharedRgw, startRgwRuntime } from './stores.js';

jest.setTimeout(180_000);

const MIB = 1024 * 1024;

/** Waits for the held complete; a CLI that exits first fails the test with what it printed. */
const heldOrExited = (proxy: HoldingProxy, cli: RunningCli): Promise<void> =>
  Promise.race([
    proxy.held(),
    cli.done.then((run) => {
      throw new Error(`the CLI exited (${run.code}) before complete: ${run.stderr}`);
    }),
  ]);

describeRgw('the CLI resumes a multipart upload after it was killed', () => {
  let proxy: CountingProxy;
  let api: TestRuntime;
  let folder: string;

  beforeAll(async () => {
    const rgw = sharedRgw()!;
    proxy = await startCountingProxy(rgw.endpoint);
    api = await startRgwRuntime({ ...rgw, endpoint: proxy.endpoint });
    folder = await mkdtemp(join(tmpdir(), 'draftstore-resume-'));
  });
  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('sends only the missing parts on the rerun, and the confirmed bytes match', async () => {
    const bytes = randomBytes(40 * MIB);
    const file = join(folder, 'video.mp4');
    await writeFile(file, bytes);
    const env = { DRAFTSTORE_API_URL: api.apiUrl, DRAFTSTORE_CACHE_DIR: join(folder, 'cache') };
    const args = ['upload', file, '--part-size', '5MiB', '--concurrency', '2', '--confirm'];

    const first = startCli(args, env);
    await first.waitForStderr(/video\.mp4: [3-9]\d%/);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    // A part whose bytes all left before the kill may still be landing at the store.
    await proxy.idle();

    // What the killed run left: its resume record, and the parts the store holds.
    const records = await readdir(join(folder, 'cache', 'uploads'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(
      await readFile(join(folder, 'cache', 'uploads', records[0]!), 'utf8'),
    );
    expect(record).toMatchObject({ object_name: 'video.mp4', part_size: 5 * MIB });
    const listed = await api.post('/api/v1/multipart/list-parts', {
      object_name: record.object_name,
      upload_id: record.upload_id,
      upload_token: record.upload_token,
    });
    expect(listed.status).toBe(200);
    const done = listed.json.parts.length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(8);

    const putsBefore = proxy.partPuts();
    const rerun = await runCli([...args, '--json'], env);
    expect(rerun.code).toBe(0);
    const result = JSON.parse(rerun.stdout);
    expect(result).toMatchObject({ resumed: true, part_count: 8, parts_sent: 8 - done });
    expect(proxy.partPuts() - putsBefore).toBe(8 - done);
    expect(result.confirmed).toMatchObject({ size: bytes.length, content_type: 'video/mp4' });
    expect(await readdir(join(folder, 'cache', 'uploads'))).toEqual([]);

    const main = await api.post('/api/v1/download-url', {
      object_name: 'video.mp4',
      stage: 'main',
    });
    const stored = await rawRequest(main.json.download_url, { method: 'GET' });
    expect(sha256(stored.body)).toBe(sha256(bytes));
  });
});

describeRgw('the CLI finishes an upload whose complete a killed run sent', () => {
  let proxy: CountingProxy;
  let api: TestRuntime;
  let holding: HoldingProxy;
  let folder: string;

  beforeAll(async () => {
    const rgw = sharedRgw()!;
    proxy = await startCountingProxy(rgw.endpoint);
    api = await startRgwRuntime({ ...rgw, endpoint: proxy.endpoint });
    // The first complete is done by the server, and its answer never reaches the CLI.
    holding = await startHoldingProxy(api.apiUrl, /^\/api\/v1\/multipart\/complete$/);
    folder = await mkdtemp(join(tmpdir(), 'draftstore-complete-'));
  });
  afterAll(async () => {
    await holding?.close();
    await api?.stop();
    await proxy?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('sends no part on the rerun, confirms, and the bytes match', async () => {
    const bytes = randomBytes(17 * MIB);
    const file = join(folder, 'clip.mp4');
    await writeFile(file, bytes);
    const env = { DRAFTSTORE_API_URL: holding.url, DRAFTSTORE_CACHE_DIR: join(folder, 'cache') };
    const args = ['upload', file, '--part-size', '5MiB', '--confirm'];

    const first = startCli(args, env);
    await heldOrExited(holding, first);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');

    // The server completed the upload: the draft is there, the upload is gone.
    const records = await readdir(join(folder, 'cache', 'uploads'));
    expect(records).toHaveLength(1);
    const record = JSON.parse(
      await readFile(join(folder, 'cache', 'uploads', records[0]!), 'utf8'),
    );
    expect(record.parts).toHaveLength(4);
    const ref = {
      object_name: record.object_name,
      upload_id: record.upload_id,
      upload_token: record.upload_token,
    };
    expect((await api.post('/api/v1/multipart/list-parts', ref)).status).toBe(404);
    const draft = await api.post('/api/v1/object-info', {
      object_name: 'clip.mp4',
      stage: 'draft',
    });
    expect(draft.json).toMatchObject({ size: bytes.length });

    const putsBefore = proxy.partPuts();
    const rerun = await runCli([...args, '--json'], env);
    expect(rerun.code).toBe(0);
    const result = JSON.parse(rerun.stdout);
    expect(result).toMatchObject({ resumed: true, part_count: 4, parts_sent: 0, puts: 0 });
    expect(proxy.partPuts() - putsBefore).toBe(0);
    expect(result.confirmed).toMatchObject({ size: bytes.length, content_type: 'video/mp4' });
    expect(await readdir(join(folder, 'cache', 'uploads'))).toEqual([]);

    const main = await api.post('/api/v1/download-url', { object_name: 'clip.mp4', stage: 'main' });
    const stored = await rawRequest(main.json.download_url, { method: 'GET' });
    expect(sha256(stored.body)).toBe(sha256(bytes));
  });

  it('reports a draft a killed run confirmed as confirmed, without sending a part', async () => {
    const bytes = randomBytes(17 * MIB);
    const file = join(folder, 'kept.mp4');
    await writeFile(file, bytes);
    // This time the server confirms, and the CLI never hears it.
    const once = await startHoldingProxy(api.apiUrl, /^\/api\/v1\/confirm-upload$/);
    try {
      const env = { DRAFTSTORE_API_URL: once.url, DRAFTSTORE_CACHE_DIR: join(folder, 'cache') };
      const args = ['upload', file, '--part-size', '5MiB', '--confirm'];
      const first = startCli(args, env);
      await heldOrExited(once, first);
      first.child.kill('SIGKILL');
      await first.done;
      const gone = await api.post('/api/v1/object-info', {
        object_name: 'kept.mp4',
        stage: 'draft',
      });
      expect(gone.status).toBe(404);

      // The repeated complete finds main's copy by the upload's marker; confirm answers from main.
      const putsBefore = proxy.partPuts();
      const rerun = await runCli([...args, '--json'], env);
      expect(rerun.code).toBe(0);
      const result = JSON.parse(rerun.stdout);
      expect(result).toMatchObject({ resumed: true, part_count: 4, parts_sent: 0, puts: 0 });
      expect(result.confirmed).toMatchObject({ success: true, size: bytes.length });
      expect(proxy.partPuts() - putsBefore).toBe(0);
      expect(await readdir(join(folder, 'cache', 'uploads'))).toEqual([]);
      const main = await api.post('/api/v1/download-url', {
        object_name: 'kept.mp4',
        stage: 'main',
      });
      const stored = await rawRequest(main.json.download_url, { method: 'GET' });
      expect(sha256(stored.body)).toBe(sha256(bytes));
    } finally {
      await once.close();
    }
  });

  it('starts over when the draft a killed run completed was removed since', async () => {
    const bytes = randomBytes(17 * MIB);
    const file = join(folder, 'gone.mp4');
    await writeFile(file, bytes);
    const once = await startHoldingProxy(api.apiUrl, /^\/api\/v1\/multipart\/complete$/);
    try {
      const env = { DRAFTSTORE_API_URL: once.url, DRAFTSTORE_CACHE_DIR: join(folder, 'cache') };
      const args = ['upload', file, '--part-size', '5MiB'];
      const first = startCli(args, env);
      await heldOrExited(once, first);
      first.child.kill('SIGKILL');
      await first.done;
      const removed = await api.post('/api/v1/delete-object', {
        object_name: 'gone.mp4',
        stage: 'draft',
      });
      expect(removed.status).toBe(200);

      // The record still lists every part's ETag; the server finds no draft of this upload
      // (Ceph RGW answers the repeated complete 500 "already in progress"): start over.
      const putsBefore = proxy.partPuts();
      const rerun = await runCli([...args, '--json'], env);
      expect(rerun.code).toBe(0);
      expect(JSON.parse(rerun.stdout)).toMatchObject({ resumed: false, parts_sent: 4 });
      expect(proxy.partPuts() - putsBefore).toBe(4);
      const draft = await api.post('/api/v1/download-url', { object_name: 'gone.mp4' });
      const stored = await rawRequest(draft.json.download_url, { method: 'GET' });
      expect(sha256(stored.body)).toBe(sha256(bytes));
    } finally {
      await once.close();
    }
  });
});

describeRgw('the SDK re-signs an expired part URL', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    // Part URLs live 2 s: a part that waits longer finds its URL expired at the store.
    api = await startRgwRuntime(sharedRgw()!, { UPLOAD_TTL: '2' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('gets a 403 from RGW for the stale URL, signs part 2 again, and completes', async () => {
    const answers: { part: string; status: number }[] = [];
    let delayed = false;
    const slowOnce: PutTransport = async (request) => {
      const part = new URL(request.url).searchParams.get('partNumber') ?? '?';
      if (part === '2' && !delayed) {
        delayed = true;
        await new Promise((resolve) => setTimeout(resolve, 3_500));
      }
      const response = await nodeTransport(request);
      answers.push({ part, status: response.status });
      return response;
    };
    const signs: number[][] = [];
    const countingFetch: typeof fetch = async (input, init) => {
      if (String(input).endsWith('/multipart/sign-parts')) {
        signs.push(JSON.parse(String(init?.body)).part_numbers);
      }
      return fetch(input, init);
    };
    const client = new DraftStoreClient({
      baseUrl: api.apiUrl,
      fetch: countingFetch,
      transport: slowOnce,
      resumeStore: {
        get: async () => undefined,
        set: async () => undefined,
        delete: async () => undefined,
      },
      multipartThreshold: 5 * MIB,
    });
    const bytes = randomBytes(11 * MIB);
    const result = await client.upload(new Blob([bytes]), {
      objectName: 'stale/url.bin',
      partSize: 5 * MIB,
      concurrency: 1,
      confirm: true,
    });
    expect(result).toMatchObject({ multipart: true, part_count: 3, puts: 4 });
    expect(answers).toEqual([
      { part: '1', status: 200 },
      { part: '2', status: 403 },
      { part: '2', status: 200 },
      { part: '3', status: 200 },
    ]);
    // One batch ahead; then part 2 (and 3, as stale by then) signed again.
    expect(signs.slice(0, 2)).toEqual([
      [1, 2, 3],
      [2, 3],
    ]);
    // With a 2 s TTL, a slow PUT of part 2 leaves part 3's new URL inside the expiry margin, so
    // the SDK may sign part 3 once more; it never signs an already-stored part again.
    expect(
      signs
        .slice(2)
        .flat()
        .every((part) => part === 3),
    ).toBe(true);
    const main = await api.post('/api/v1/download-url', {
      object_name: 'stale/url.bin',
      stage: 'main',
    });
    expect(sha256((await rawRequest(main.json.download_url, { method: 'GET' })).body)).toBe(
      sha256(bytes),
    );
  });
});
