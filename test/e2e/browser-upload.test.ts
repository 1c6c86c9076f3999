import { createHash } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, describeWithBrowser } from '../helpers/chromium.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { putPresigned } from '../helpers/uploads.js';

const MIB = 1024 * 1024;

describeWithBrowser('a browser uploads through the demo page', () => {
  let api: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    api = await startTestRuntime();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  /** Drops `size` random bytes (made in the page) on the drop zone; answers their sha256. */
  const dropFile = async (page: Page, name: string, type: string, size: number): Promise<string> =>
    page.evaluate(
      async ({ name, type, size }) => {
        const bytes = new Uint8Array(size);
        for (let offset = 0; offset < size; offset += 65_536) {
          crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
        }
        const file = new File([bytes], name, { type, lastModified: Date.now() });
        // The root tsconfig has no DOM library; this function runs in the page.
        const dom = globalThis as any;
        const transfer = new dom.DataTransfer();
        transfer.items.add(file);
        const drop = dom.document.querySelector('#drop');
        drop.dispatchEvent(new dom.DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
        const digest = await crypto.subtle.digest('SHA-256', bytes);
        return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      },
      { name, type, size },
    );

  const row = (name: string) => `.upload[data-name="${name}"]`;

  const mainSha256 = async (name: string): Promise<string> => {
    const main = await api.post('/api/v1/download-url', { object_name: name, stage: 'main' });
    const stored = Buffer.from(await (await fetch(main.json.download_url)).arrayBuffer());
    return createHash('sha256').update(stored).digest('hex');
  };

  it('PUTs a small file straight into the draft bucket across origins (CORS) and confirms it', async () => {
    const page = await browser.newPage();
    await page.goto(api.apiUrl);
    const storeOrigins = new Set<string>();
    page.on('request', (request) => {
      if (request.method() === 'PUT') storeOrigins.add(new URL(request.url()).origin);
    });
    const digest = await dropFile(page, 'holiday photo.png', 'image/png', 3000);

    await page.waitForSelector(
      `${row('holiday photo.png')} .state:text-is("draft uploaded (one PUT)")`,
    );
    expect([...storeOrigins]).toHaveLength(1);
    expect([...storeOrigins][0]).not.toBe(new URL(api.apiUrl).origin);

    await page.click(`${row('holiday photo.png')} .confirm`);
    await page.waitForSelector(`${row('holiday photo.png')} .state:text-is("confirmed (one PUT)")`);
    const link = await page.waitForSelector(
      '#confirmed a.download[data-name="holiday photo.png"][href]',
    );
    const href = (await link.getAttribute('href')) ?? '';
    const downloaded = Buffer.from(await (await fetch(href)).arrayBuffer());
    expect(createHash('sha256').update(downloaded).digest('hex')).toBe(digest);
    expect(await mainSha256('holiday photo.png')).toBe(digest);
  }, 60_000);

  it('sends a dropped 40 MiB file as multipart, progress rising to 100 %, confirmed and downloadable', async () => {
    const page = await browser.newPage();
    await page.goto(api.apiUrl);
    await page.check('#auto-confirm');
    const partPuts: string[] = [];
    page.on('request', (request) => {
      const part = new URL(request.url()).searchParams.get('partNumber');
      if (request.method() === 'PUT' && part) partPuts.push(part);
    });
    const digest = await dropFile(page, 'film.mp4', 'video/mp4', 40 * MIB);

    await page.waitForSelector(`${row('film.mp4')} .state:text-is("confirmed (3 parts)")`, {
      timeout: 100_000,
    });
    expect(await page.getAttribute(row('film.mp4'), 'data-multipart')).toBe('true');
    expect(partPuts.sort()).toEqual(['1', '2', '3']);

    const events: { loaded: number; total: number }[] = await page.evaluate(
      () => (globalThis as any).draftstoreEvents,
    );
    const loaded = events.map((event) => event.loaded);
    // Byte-level, not per part: the 16 + 16 + 8 MiB parts alone would only ever report
    // multiples of 8 MiB, however fast the machine is.
    expect(loaded.some((bytes) => bytes % (8 * MIB) !== 0)).toBe(true);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(events.at(-1)).toEqual({ name: 'film.mp4', loaded: 40 * MIB, total: 40 * MIB });
    expect(await page.textContent(`${row('film.mp4')} .percent`)).toBe('100 %');

    await page.waitForSelector('#confirmed a.download[data-name="film.mp4"][href]');
    expect(await mainSha256('film.mp4')).toBe(digest);
  }, 120_000);

  it("lists the owner's confirmed objects from the API, also those confirmed elsewhere", async () => {
    // Confirmed through the API, never through this (or any) browser.
    const bytes = Buffer.from('confirmed by the CLI, not by this page');
    const ticket = await api.post('/api/v1/upload-url', {
      object_name: 'reports/elsewhere.txt',
      content_type: 'text/plain',
      content_length: bytes.length,
    });
    expect((await putPresigned(ticket.json.upload_url, bytes, ticket.json.headers)).status).toBe(
      200,
    );
    expect(
      (await api.post('/api/v1/confirm-upload', { object_name: 'reports/elsewhere.txt' })).status,
    ).toBe(200);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(api.apiUrl);
    const link = await page.waitForSelector(
      '#confirmed a.download[data-name="reports/elsewhere.txt"][href]',
    );
    const downloaded = Buffer.from(
      await (await fetch((await link.getAttribute('href')) ?? '')).arrayBuffer(),
    );
    expect(downloaded).toEqual(bytes);
    await context.close();
  }, 60_000);
});
