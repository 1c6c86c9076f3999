import { createHash } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { logger } from '../../lambdas/observability/logger.js';
import { CHROMIUM, describeWithBrowser } from '../helpers/chromium.js';
import { startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { startUppyPages, type UppyPages } from '../helpers/uppy-page.js';

const MIB = 1024 * 1024;

interface Uploaded {
  readonly key: string;
  readonly sha256: string;
  readonly error?: string;
  readonly paused?: boolean;
}

/**
 * In the page: Uppy `version` configured only with the Companion endpoint (`companionEndpoint`
 * on 6, `endpoint` on 5), one file of `size` random bytes, multipart above 5 MiB. With
 * `pauseAfterPart`, pauses once the first part is in, then resumes (lists parts, goes on).
 */
const uploadInPage = (
  page: Page,
  options: {
    version: 5 | 6;
    endpoint: string;
    name: string;
    type: string;
    size: number;
    pauseAfterPart?: boolean;
  },
): Promise<Uploaded> =>
  page.evaluate(async ({ version, endpoint, name, type, size, pauseAfterPart }) => {
    const page = globalThis as any;
    const bytes = new Uint8Array(size);
    for (let offset = 0; offset < size; offset += 65_536) {
      crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
    }
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    const sha256 = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    const uppy = new page.Uppy();
    uppy.use(page.AwsS3, {
      ...(version === 6 ? { companionEndpoint: endpoint } : { endpoint }),
      shouldUseMultipart: (file: { size: number }) => file.size > 5 * 1024 * 1024,
    });
    const id = uppy.addFile({ name, type, data: new File([bytes], name, { type }) });
    let paused = false;
    if (pauseAfterPart) {
      uppy.once('s3-multipart:part-uploaded', () => {
        uppy.pauseResume(id);
        paused = uppy.getFile(id).isPaused === true;
        setTimeout(() => uppy.pauseResume(id), 300);
      });
    }
    const done = new Promise<{ key: string; error?: string }>((resolve) => {
      uppy.on('upload-success', (_file: unknown, response: any) =>
        resolve({ key: response.body?.key ?? response.uploadURL }),
      );
      uppy.on('upload-error', (_file: unknown, error: Error) =>
        resolve({ key: '', error: error.message }),
      );
    });
    void uppy.upload();
    const result = await done;
    return { ...result, sha256, paused };
  }, options);

describeWithBrowser('Uppy against the Companion routes, from configuration alone', () => {
  let api: TestRuntime;
  let browser: Browser;
  let pages: UppyPages;

  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    api = await startTestRuntime({ COMPANION_ROUTES: 'true' });
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

  /** The draft's bytes, read back through DraftStore's own download URL. */
  const draftSha256 = async (key: string): Promise<string> => {
    const objectName = key.slice(key.indexOf('/') + 1);
    const ticket = await api.post('/api/v1/download-url', {
      object_name: objectName,
      stage: 'draft',
    });
    expect(ticket.status).toBe(200);
    const stored = Buffer.from(await (await fetch(ticket.json.download_url)).arrayBuffer());
    return createHash('sha256').update(stored).digest('hex');
  };

  for (const version of [6, 5] as const) {
    describe(`Uppy ${version}`, () => {
      let page: Page;
      beforeEach(async () => {
        page = await browser.newPage();
        await page.goto(pages.url(version));
        await page.waitForFunction(() => 'AwsS3' in globalThis);
      });
      afterEach(async () => {
        await page.close();
      });

      it('uploads a small file through GET /s3/params (one form POST)', async () => {
        const uploaded = await uploadInPage(page, {
          version,
          endpoint: `${api.apiUrl}/companion`,
          name: 'note.txt',
          type: 'text/plain',
          size: 3000,
        });
        expect(uploaded.error).toBeUndefined();
        expect(await draftSha256(uploaded.key)).toBe(uploaded.sha256);
      }, 60_000);

      it('uploads 12 MiB in parts, pausing after the first part and resuming', async () => {
        const uploaded = await uploadInPage(page, {
          version,
          endpoint: `${api.apiUrl}/companion`,
          name: 'film.mp4',
          type: 'video/mp4',
          size: 12 * MIB,
          pauseAfterPart: true,
        });
        expect(uploaded.error).toBeUndefined();
        expect(uploaded.paused).toBe(true);
        expect(await draftSha256(uploaded.key)).toBe(uploaded.sha256);
      }, 120_000);
    });
  }
});
