import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, describeWithBrowser } from '../helpers/chromium.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';

// The upload page (local/demo-page.html) with confirm's gate on: a refused file says why on its row.
describeWithBrowser('the upload page shows why confirm refused a file', () => {
  let api: TestRuntime;
  let browser: Browser;

  beforeAll(async () => {
    api = await startTestRuntime({ CONTENT_SNIFFING: 'strict' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  /** Drops a file of `text` named `name`, declared as `type`, on the drop zone. */
  const dropText = (page: Page, name: string, type: string, text: string) =>
    page.evaluate(
      ({ name, type, text }) => {
        // The root tsconfig has no DOM library; this function runs in the page.
        const dom = globalThis as any;
        const transfer = new dom.DataTransfer();
        transfer.items.add(new dom.File([text], name, { type }));
        dom.document
          .querySelector('#drop')
          .dispatchEvent(new dom.DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
      },
      { name, type, text },
    );

  const row = (name: string) => `.upload[data-name="${name}"]`;

  it('a .png of text is rejected with the reason on its row, and never listed as confirmed', async () => {
    const page = await browser.newPage();
    await page.goto(api.apiUrl);
    await page.check('#auto-confirm');
    await dropText(page, 'fake.png', 'image/png', 'not a picture at all\n');

    await page.waitForSelector(`${row('fake.png')}[data-reason="type_mismatch"]`);
    const state = (await page.textContent(`${row('fake.png')} .state`)) ?? '';
    expect(state).toMatch(/^rejected: the bytes are not the declared type \(type_mismatch\): \S/);
    expect(await page.$('#confirmed a.download[data-name="fake.png"]')).toBeNull();
  }, 60_000);

  it('the Confirm button shows the reason too, and a good file beside it confirms', async () => {
    const page = await browser.newPage();
    await page.goto(api.apiUrl);
    await dropText(page, 'page.txt', 'text/plain', '<!DOCTYPE html><script>alert(1)</script>');
    await dropText(page, 'plain.txt', 'text/plain', 'just words\n');
    for (const name of ['page.txt', 'plain.txt']) {
      await page.waitForSelector(`${row(name)} .state:text-is("draft uploaded (one PUT)")`);
      await page.click(`${row(name)} .confirm`);
    }
    await page.waitForSelector(`${row('page.txt')}[data-reason="type_mismatch"]`);
    await page.waitForSelector(`${row('plain.txt')} .state:text-is("confirmed (one PUT)")`);
    expect(await page.getAttribute(row('plain.txt'), 'data-reason')).toBeNull();
    await page.waitForSelector('#confirmed a.download[data-name="plain.txt"][href]');
  }, 60_000);
});
