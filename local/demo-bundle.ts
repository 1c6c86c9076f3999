import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The client SDK bundled for the demo page, built from source on first request: the page
 * runs exactly the SDK in client/src, with no CDN and no build step before `npm start`.
 */
let bundle: Promise<string> | undefined;

export const demoClientBundle = (): Promise<string> =>
  (bundle ??= build({
    entryPoints: [fileURLToPath(new URL('../client/src/index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]?.text ?? ''));
