import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, describeWithBrowser } from '../helpers/chromium.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

// The upload page's usage bar (local/demo-page.html) against the usage route, with a quota.
describeWithBrowser('the upload page shows usage against the quota', () => {
  let api: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    api = await startTestRuntime({ QUOTA_BYTES: '2048', QUOTA_OBJECTS: '5' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  const dropText = (page: Page, name: string, text: string) =>
    page.evaluate(
      ({ name, text }) => {
        // The root tsconfig has no DOM library; this function runs in the page.
        const dom = globalThis as any;
        const transfer = new dom.DataTransfer();
        transfer.items.add(new dom.File([text], name, { type: 'text/plain' }));
        dom.document
          .querySelector('#drop')
          .dispatchEvent(new dom.DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
      },
      { name, text },
    );

  it('fills the bar as files are confirmed, and shows a refusal over the quota on the row', async () => {
    const page = await browser.newPage();
    await page.goto(api.apiUrl);
    await page.waitForSelector(
      '#usage:not([hidden]) .text:text-is("0 B of 2.0 KiB used (0 %) · 0 of 5 objects")',
    );

    await page.check('#auto-confirm');
    await dropText(page, 'notes.txt', 'x'.repeat(1536));
    await page.waitForSelector(
      '.upload[data-name="notes.txt"] .state:text-is("confirmed (one PUT)")',
    );
    await page.waitForSelector(
      '#usage .text:text-is("1.5 KiB of 2.0 KiB used (75 %) · 1 of 5 objects")',
    );
    expect(await page.$eval('#usage .bytes', (bar: any) => [bar.value, bar.max])).toEqual([
      1536, 2048,
    ]);

    await dropText(page, 'more.txt', 'y'.repeat(1024));
    const state = await page.waitForSelector(
      '.upload[data-name="more.txt"] .state:text-matches("quota_exceeded")',
    );
    expect(await state.textContent()).toMatch(/^failed: quota_exceeded: \S/);
    expect(await page.textContent('#usage .text')).toBe(
      '1.5 KiB of 2.0 KiB used (75 %) · 1 of 5 objects',
    );
  }, 60_000);
});
