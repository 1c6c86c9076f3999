import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import { CHROMIUM, describeWithBrowser } from '../helpers/chromium.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

describeWithBrowser('the API reference at /docs', () => {
  let api: TestRuntime;
  let browser: Browser;
  let screenshots: string;

  beforeAll(async () => {
    api = await startTestRuntime();
    screenshots = await mkdtemp(join(tmpdir(), 'draftstore-docs-'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await rm(screenshots, { recursive: true, force: true });
  });

  it('renders every route from /openapi.json, loading nothing from outside the server', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
    const origins = new Set<string>();
    page.on('request', (request) => {
      if (!request.url().startsWith('data:')) origins.add(new URL(request.url()).origin);
    });
    await page.goto(`${api.apiUrl}/docs`);
    await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });

    const rendered = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent ?? '';
        const path = block.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? '';
        return `${method.trim()} ${path}`;
      }),
    );
    expect(rendered.sort()).toEqual(
      ROUTE_TABLE.map((route) => `${route.method} ${route.path}`).sort(),
    );
    expect(await page.textContent('.title')).toContain('DraftStore REST API');
    expect([...origins]).toEqual([new URL(api.apiUrl).origin]);

    const file = join(screenshots, 'docs.png');
    await page.screenshot({ path: file, fullPage: true });
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    // IHDR: width and height of the rendered page, big-endian at bytes 16 and 20.
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(600);
  }, 90_000);

  it('serves the committed document at /openapi.json', async () => {
    const served = await fetch(`${api.apiUrl}/openapi.json`);
    expect(served.headers.get('content-type')).toBe('application/json');
    expect(await served.text()).toBe(
      await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
    );
  });
});
