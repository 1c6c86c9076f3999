import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The repository root: `lib/..`. Entries, the lock file and tsconfig are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * ESM bundles still meet CommonJS dependencies that call `require` (for Node built-ins);
 * esbuild's shim needs a real `require` in scope, which ESM does not have.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __draftstoreCreateRequire } from 'node:module'; const require = __draftstoreCreateRequire(import.meta.url);";

/**
 * How every function is bundled. HandlerFunction hands these to NodejsFunction; the bench's
 * bare baseline and the bundle-composition test build with exactly the same but the alias
 * (see lambdaBuildOptions), so a size or cold-start ratio compares code, not options.
 */
export const LAMBDA_BUNDLE = {
  target: 'node24',
  // Prefer the ESM builds of dependencies that ship both.
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  tsconfig: join(PROJECT_ROOT, 'tsconfig.json'),
  /**
   * The SDK's default credential chain replaced by one that reads the environment, where
   * Lambda puts the role's credentials (lambdas/storage/lambda-credentials.ts): about
   * 130 KB less in every bundle. Resolved from the project root, esbuild's working directory.
   */
  alias: { '@aws-sdk/credential-provider-node': './lambdas/storage/lambda-credentials.ts' },
} as const;

/**
 * The esbuild build options NodejsFunction derives from LAMBDA_BUNDLE, for one entry, but for
 * the credential alias: the bench's anchors stand for a plain S3Client bundle as anyone would
 * build it, SDK default chain included, so they stay the same reference across our changes.
 */
export const lambdaBuildOptions = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: LAMBDA_BUNDLE.target,
  mainFields: [...LAMBDA_BUNDLE.mainFields],
  banner: { js: LAMBDA_BUNDLE.banner },
  minify: LAMBDA_BUNDLE.minify,
  sourcemap: LAMBDA_BUNDLE.sourcemap,
  sourcesContent: LAMBDA_BUNDLE.sourcesContent,
  tsconfig: LAMBDA_BUNDLE.tsconfig,
  absWorkingDir: PROJECT_ROOT,
  logLevel: 'silent',
});
