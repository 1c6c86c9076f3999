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
    /** Text the file starts with, so content sniffing sees what the test means. */
    head?: string;
  },
): Promise<Uploaded> =>
  page.evaluate(async ({ version, endpoint, name, type, size, pauseAfterPart, head }) => {
    const page = globalThis as any;
    const bytes = new Uint8Array(size);
    for (let offset = 0; offset < size; offset += 65_536) {
      crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
    }
    if (head !== undefined) bytes.set(new TextEncoder().encode(head));
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

/**
 * One runtime of `env`, the Uppy pages and Chromium for a describe block: started before its
 * tests, stopped after them.
 */
const uppyBrowserSuite = (env: Record<string, string>) => {
  const suite = {} as { api: TestRuntime; browser: Browser; pages: UppyPages };
  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    suite.api = await startTestRuntime(env);
    suite.pages = await startUppyPages();
    suite.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.pages?.close();
    await suite.api?.stop();
  });
  return suite;
};
describeWithBrowser('Uppy against the Companion routes, from configuration alone', () => {
  const suite = uppyBrowserSuite({ COMPANION_ROUTES: 'true' });

  /** The draft's bytes, read back through DraftStore's own download URL. */
  const draftSha256 = async (key: string): Promise<string> => {
    const objectName = key.slice(key.indexOf('/') + 1);
    const ticket = await suite.api.post('/api/v1/download-url', {
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
        page = await suite.browser.newPage();
        await page.goto(suite.pages.url(version));
        await page.waitForFunction(() => 'AwsS3' in globalThis);
      });
      afterEach(async () => {
        await page.close();
      });

      it('uploads a small file through GET /s3/params (one form POST)', async () => {
        const uploaded = await uploadInPage(page, {
          version,
          endpoint: `${suite.api.apiUrl}/companion`,
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
          endpoint: `${suite.api.apiUrl}/companion`,
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

describeWithBrowser('Uppy against the Companion routes with COMPANION_AUTO_CONFIRM', () => {
  const suite = uppyBrowserSuite({
    COMPANION_ROUTES: 'true',
    COMPANION_AUTO_CONFIRM: 'true',
    CONTENT_SNIFFING: 'strict',
  });

  const statusIn = async (key: string, stage: 'draft' | 'main') =>
    (
      await suite.api.post('/api/v1/download-url', {
        object_name: key.slice(key.indexOf('/') + 1),
        stage,
      })
    ).status;

  for (const version of [6, 5] as const) {
    describe(`Uppy ${version}`, () => {
      let page: Page;
      beforeEach(async () => {
        page = await suite.browser.newPage();
        await page.goto(suite.pages.url(version));
      });
      afterEach(async () => {
        await page?.close();
      });

      it('confirms a multipart upload at complete: the object is in main, with its bytes', async () => {
        // act
        const uploaded = await uploadInPage(page, {
          version,
          endpoint: `${suite.api.apiUrl}/companion`,
          name: 'records.bin',
          type: 'application/octet-stream',
          size: 6 * MIB,
          head: 'DraftStore test records\n',
        });

        // assess
        expect(uploaded.error).toBeUndefined();
        const objectName = uploaded.key.slice(uploaded.key.indexOf('/') + 1);
        const ticket = await suite.api.post('/api/v1/download-url', {
          object_name: objectName,
          stage: 'main',
        });
        expect(ticket.status).toBe(200);
        const stored = Buffer.from(await (await fetch(ticket.json.download_url)).arrayBuffer());
        expect(createHash('sha256').update(stored).digest('hex')).toBe(uploaded.sha256);
        expect(await statusIn(uploaded.key, 'draft')).toBe(404);
      }, 120_000);

      it('surfaces confirm’s refusal as the file’s error, and nothing reaches main', async () => {
        // act: a "PNG" that is text
        const uploaded = await uploadInPage(page, {
          version,
          endpoint: `${suite.api.apiUrl}/companion`,
          name: 'photo.png',
          type: 'image/png',
          size: 6 * MIB,
          head: 'this is not a PNG image\n',
        });

        // assess: Uppy reports the refusal; main never got it
        // Uppy 5 shows the body's `message`; Uppy 6's Companion client shows only the status
        // text (@uppy/aws-s3 6.3.1, CompanionS3#_fetch), which API Gateway keeps standard.
        expect(uploaded.error).toMatch(
          version === 5 ? /png|type|content/i : /Companion request failed: Unprocessable Entity/,
        );
        const listing = await suite.api.post('/api/v1/list-objects', { stage: 'main' });
        expect(listing.status).toBe(200);
        expect(JSON.stringify(listing.json)).not.toContain('photo.png');
      }, 120_000);
    });
  }
});
