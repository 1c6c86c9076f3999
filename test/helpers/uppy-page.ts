import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Each Uppy the tests drive, bundled from node_modules as a page would: Uppy 6 from the root
 * (with Golden Retriever and the SDK's helper), Uppy 5 from its own workspace, where its
 * @uppy/aws-s3 finds its own @uppy/core 5.
 */
const ENTRIES = {
  6: {
    resolveDir: ROOT,
    contents: `
      import Uppy from '@uppy/core';
      import AwsS3 from '@uppy/aws-s3';
      import GoldenRetriever from '@uppy/golden-retriever';
      import { DraftStoreClient } from './client/src/index.ts';
      import { draftStoreUppy } from './client/src/uppy.ts';
      Object.assign(globalThis, { Uppy, AwsS3, GoldenRetriever, DraftStoreClient, draftStoreUppy });
    `,
  },
  5: {
    resolveDir: fileURLToPath(new URL('../e2e/uppy5', import.meta.url)),
    contents: `
      import Uppy from '@uppy/core';
      import AwsS3 from '@uppy/aws-s3';
      Object.assign(globalThis, { Uppy, AwsS3 });
    `,
  },
} as const;

const bundles = new Map<keyof typeof ENTRIES, Promise<string>>();

export const uppyBundle = (version: keyof typeof ENTRIES): Promise<string> => {
  let bundle = bundles.get(version);
  if (!bundle) {
    bundle = build({
      stdin: { ...ENTRIES[version], loader: 'ts' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    }).then((result) => result.outputFiles[0]?.text ?? '');
    bundles.set(version, bundle);
  }
  return bundle;
};

export interface UppyPages {
  /** The page's URL for Uppy `version`: a blank page with its globals loaded. */
  url(version: keyof typeof ENTRIES): string;
  close(): Promise<void>;
}

/**
 * Serves the Uppy pages from a real loopback origin: Chromium lets only a loopback page
 * reach the loopback API (Local Network Access), and the runtime's CORS accepts any local
 * origin, as it would accept a team's own site.
 */
export const startUppyPages = async (): Promise<UppyPages> => {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const script = /^\/uppy(5|6)\.js$/.exec(path);
    if (script) {
      uppyBundle(Number(script[1]) as keyof typeof ENTRIES).then(
        (body) => response.writeHead(200, { 'content-type': 'text/javascript' }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
      return;
    }
    const page = /^\/uppy(5|6)\.html$/.exec(path);
    response
      .writeHead(page ? 200 : 404, { 'content-type': 'text/html' })
      .end(
        page
          ? `<!doctype html><meta charset="utf-8"><script src="/uppy${page[1]}.js"></script>`
          : 'not found',
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (version) => `http://127.0.0.1:${port}/uppy${version}.html`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
