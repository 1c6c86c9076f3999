import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ESM_REQUIRE_BANNER } from '../../lib/bundle-options.js';
import { HandlerFunction } from '../../lib/handler-function.js';

describe('HandlerFunction bundling (real esbuild, no Docker)', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'draftstore-bundle-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('builds a minified ESM bundle with a require shim and a source map that Node can load', () => {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Bundle');
    new HandlerFunction(stack, 'Health', {
      entry: 'lambdas/http/health.ts',
      description: 'GET /health',
      environment: {},
      logRetention: RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    const assetPath = Object.values(functions)[0]!.Metadata['aws:asset:path'] as string;
    const bundle = join(outdir, assetPath, 'index.mjs');

    const code = readFileSync(bundle, 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    // The SDK's default credential chain is replaced by lambdas/storage/lambda-credentials.ts:
    // none of its container, process, SSO or web-identity providers is bundled.
    expect(code).toContain('No AWS credentials in the environment');
    for (const provider of [
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'credential_process',
      'sso_session',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
    ]) {
      expect(code).not.toContain(provider);
    }
    expect(existsSync(`${bundle}.map`)).toBe(true);
    const loaded = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(bundle)}); console.log(typeof m.handler);`,
      ],
      { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } },
    );
    expect(loaded.stderr).toBe('');
    expect(loaded.stdout.trim()).toBe('function');
  });
});
