import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);

if (!available && process.env.CI === 'true') {
  throw new Error(
    `Chromium is required in CI (apt-get install chromium); not found at ${CHROMIUM}`,
  );
}
if (!available) {
  // Visible in the run, so a green suite never hides that the browser test did not run.
  console.warn(
    `SKIPPED: browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium).`,
  );
}

const describeWithBrowser = available ? describe : describe.skip;

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

  it('PUTs straight into the draft bucket across origins (CORS), previews and confirms', async () => {
    const page = await browser.newPage();
    const bytes = Buffer.from(`a picture, honestly ${Date.now()}`);
    await page.goto(api.apiUrl);

    await page.setInputFiles('#file', {
      name: 'holiday photo.png',
      mimeType: 'image/png',
      buffer: bytes,
    });
    await page.click('#upload');
    await page.waitForSelector('#status:not(:text-is("uploading"))');
    expect(await page.textContent('#status')).toBe('draft uploaded');

    const previewUrl = await page.getAttribute('#preview', 'href');
    expect(new URL(previewUrl ?? '').origin).not.toBe(new URL(api.apiUrl).origin);

    await page.click('#confirm');
    await page.waitForSelector('#status:text-is("confirmed")');
    expect(await page.textContent('#log')).toContain('confirmed: main/anonymous/holiday photo.png');

    const main = await api.post('/api/v1/download-url', {
      object_name: 'holiday photo.png',
      stage: 'main',
    });
    const stored = Buffer.from(await (await fetch(main.json.download_url)).arrayBuffer());
    expect(createHash('sha256').update(stored).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  }, 60_000);
});
