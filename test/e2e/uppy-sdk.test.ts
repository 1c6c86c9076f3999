import { createHash } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { logger } from '../../lambdas/observability/logger.js';
import { CHROMIUM, describeWithBrowser } from '../helpers/chromium.js';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { startUppyPages, type UppyPages } from '../helpers/uppy-page.js';

const MIB = 1024 * 1024;

interface PageUpload {
  readonly key?: string;
  readonly error?: string;
  readonly sha256: string;
  readonly paused: boolean;
}

interface UploadSpec {
  readonly baseUrl: string;
  readonly token?: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
  readonly confirm: boolean;
  /** Bytes that start the file (the rest is random). */
  readonly head?: number[];
  readonly pauseAfterPart?: boolean;
  /** Resolve once the first part is in, leaving the upload running (for a reload). */
  readonly stopAfterPart?: boolean;
}

/** In the page: the user's code (below, ≤ 10 lines) plus the test's file and its wait. */
const uploadInPage = (page: Page, spec: UploadSpec): Promise<PageUpload> =>
  page.evaluate(async (spec) => {
    const g = globalThis as any;
    const bytes = new Uint8Array(spec.size);
    for (let offset = 0; offset < spec.size; offset += 65_536) {
      crypto.getRandomValues(bytes.subarray(offset, Math.min(spec.size, offset + 65_536)));
    }
    bytes.set(spec.head ?? [], 0);
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');

    // --- the user's code ---
    const client = new g.DraftStoreClient({ baseUrl: spec.baseUrl, token: spec.token });
    const uppy = new g.Uppy().use(g.GoldenRetriever);
    uppy.use(
      g.AwsS3,
      g.draftStoreUppy(client, { confirm: spec.confirm, partSize: 5 * 1024 * 1024 }),
    );
    // --- end of the user's code ---
    g.uppy = uppy;

    const id = uppy.addFile({
      name: spec.name,
      type: spec.type,
      data: new File([bytes], spec.name, { type: spec.type }),
    });
    let paused = false;
    const firstPart = new Promise<void>((resolve) => {
      uppy.once('s3-multipart:part-uploaded', () => {
        if (spec.pauseAfterPart) {
          uppy.pauseResume(id);
          paused = uppy.getFile(id).isPaused === true;
          setTimeout(() => uppy.pauseResume(id), 300);
        }
        resolve();
      });
    });
    const done = new Promise<{ key?: string; error?: string }>((resolve) => {
      uppy.on('upload-success', (_file: unknown, response: any) =>
        resolve({ key: response.body?.key }),
      );
      uppy.on('upload-error', (_file: unknown, error: Error) => resolve({ error: error.message }));
    });
    void uppy.upload();
    if (spec.stopAfterPart) {
      await firstPart;
      // Golden Retriever saves state on a throttle; give it time to write.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { sha256, paused };
    }
    return { ...(await done), sha256, paused };
  }, spec);

describeWithBrowser('Uppy 6 with draftStoreUppy (@draftstore/client/uppy)', () => {
  let api: TestRuntime;
  let browser: Browser;
  let pages: UppyPages;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime({ CONTENT_SNIFFING: 'strict' });
    pages = await startUppyPages();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await api?.stop();
  });

  const openPage = async (): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(pages.url(6));
    await page.waitForFunction(() => 'draftStoreUppy' in globalThis);
    return page;
  };

  const storedSha256 = async (name: string, stage: 'draft' | 'main', headers = {}) => {
    const ticket = await api.post('/api/v1/download-url', { object_name: name, stage }, headers);
    expect(ticket.status).toBe(200);
    const stored = Buffer.from(await (await fetch(ticket.json.download_url)).arrayBuffer());
    return createHash('sha256').update(stored).digest('hex');
  };

  it('uploads a small file in one PUT (no confirm: it stays a draft)', async () => {
    const page = await openPage();
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.url());
    });
    const uploaded = await uploadInPage(page, {
      baseUrl: api.apiUrl,
      name: 'single.bin',
      type: 'application/octet-stream',
      size: 4000,
      confirm: false,
    });
    expect(uploaded.error).toBeUndefined();
    expect(puts).toHaveLength(1);
    expect(puts[0]).not.toContain('partNumber');
    expect(await storedSha256('single.bin', 'draft')).toBe(uploaded.sha256);
    await page.close();
  }, 60_000);

  it('uploads 12 MiB in parts with a pause and resume, and confirms it', async () => {
    const page = await openPage();
    const uploaded = await uploadInPage(page, {
      baseUrl: api.apiUrl,
      name: 'film.bin',
      type: 'application/octet-stream',
      size: 12 * MIB,
      confirm: true,
      pauseAfterPart: true,
    });
    expect(uploaded.error).toBeUndefined();
    expect(uploaded.paused).toBe(true);
    expect(await storedSha256('film.bin', 'main')).toBe(uploaded.sha256);
    await page.close();
  }, 120_000);

  it("keeps each bearer's uploads apart: another owner cannot see or reach them", async () => {
    const page = await openPage();
    const alice = bearerFor('alice').authorization!.slice('Bearer '.length);
    const uploaded = await uploadInPage(page, {
      baseUrl: api.apiUrl,
      token: alice,
      name: 'private.bin',
      type: 'application/octet-stream',
      size: 6 * MIB,
      confirm: true,
    });
    expect(uploaded.error).toBeUndefined();
    expect(await storedSha256('private.bin', 'main', bearerFor('alice'))).toBe(uploaded.sha256);
    const asBob = await api.post(
      '/api/v1/download-url',
      { object_name: 'private.bin', stage: 'main' },
      bearerFor('bob'),
    );
    expect(asBob.status).toBe(404);
    const anonymous = await api.post('/api/v1/download-url', {
      object_name: 'private.bin',
      stage: 'main',
    });
    expect(anonymous.status).toBe(404);
    await page.close();
  }, 120_000);

  it("surfaces confirm's refusal as the file's error", async () => {
    const page = await openPage();
    const uploaded = await uploadInPage(page, {
      baseUrl: api.apiUrl,
      name: 'fake.png',
      type: 'image/png',
      size: 3000,
      head: [0x4d, 0x5a],
      confirm: true,
    });
    expect(uploaded.error).toMatch(/png|type|content/i);
    const main = await api.post('/api/v1/download-url', { object_name: 'fake.png', stage: 'main' });
    expect(main.status).toBe(404);
    await page.close();
  }, 60_000);

  it('resumes after a reload through Golden Retriever, sending only the missing parts', async () => {
    const page = await openPage();
    // Parts after the first are held until the reload (never answered: their page is gone),
    // so the reload finds the upload unfinished; afterwards they pass.
    let holding = true;
    await page.route(
      (url) => Number(url.searchParams.get('partNumber') ?? 0) >= 2,
      (route) => (holding ? undefined : route.continue()),
    );
    const started = await uploadInPage(page, {
      baseUrl: api.apiUrl,
      name: 'reload.bin',
      type: 'application/octet-stream',
      // Golden Retriever keeps blobs of at most 10 MiB (its IndexedDB store's default).
      size: 9 * MIB,
      confirm: true,
      stopAfterPart: true,
    });
    await page.reload();
    await page.waitForFunction(() => 'draftStoreUppy' in globalThis);
    holding = false;
    const partPuts: string[] = [];
    page.on('request', (request) => {
      const part = new URL(request.url()).searchParams.get('partNumber');
      if (request.method() === 'PUT' && part) partPuts.push(part);
    });
    const resumed = await page.evaluate(async (baseUrl) => {
      const g = globalThis as any;
      const client = new g.DraftStoreClient({ baseUrl });
      const uppy = new g.Uppy().use(g.GoldenRetriever);
      uppy.use(g.AwsS3, g.draftStoreUppy(client, { confirm: true, partSize: 5 * 1024 * 1024 }));
      await new Promise((resolve) => uppy.once('restored', resolve));
      const [file] = uppy.getFiles();
      if (!file) return { error: 'nothing restored' };
      const done = new Promise<{ successful: number; error?: string }>((resolve) => {
        uppy.on('upload-success', () => resolve({ successful: 1 }));
        uppy.on('upload-error', (_f: unknown, error: Error) =>
          resolve({ successful: 0, error: error.message }),
        );
      });
      // What the Dashboard's "resume" button does.
      uppy.emit('restore-confirmed');
      return { restored: Boolean(file.s3Multipart?.uploadId), ...(await done) };
    }, api.apiUrl);
    expect(resumed).toEqual({ restored: true, successful: 1 });
    expect(partPuts).toEqual(['2']);
    expect(await storedSha256('reload.bin', 'main')).toBe(started.sha256);
    await page.close();
  }, 120_000);
});
