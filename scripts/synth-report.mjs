#!/usr/bin/env node
// `npm run synth`: synthesizes the CDK app with real (local esbuild) bundling of every
// function, then prints each function's bundle size, so CI logs show size regressions.
// Offline-safe: no credentials or network needed. Accepts `-c key=value` like `cdk synth`
// (e.g. `npm run synth -- -c jwtIssuer=https://issuer.example.com/ -c jwtAudience=api`).
//
// It runs the app the way the CDK CLI does (cdk.json's "app" with CDK_OUTDIR and the
// cdk.json context in CDK_CONTEXT_JSON) instead of calling `cdk synth`, because the
// installed CLI (aws-cdk 3.0.0) reads cloud assemblies only up to schema 43 while
// aws-cdk-lib 2.276 writes schema 55 (it needs CLI >= 2.1148.2).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';

const outdir = resolve(process.env.CDK_OUTDIR ?? 'cdk.out');
const cdkJson = JSON.parse(readFileSync('cdk.json', 'utf8'));

// What the CLI adds by default: construct paths and asset paths in the template metadata.
const context = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  ...cdkJson.context,
};
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 1) {
  const arg = args[i];
  const pair = arg === '-c' || arg === '--context' ? args[++i] : arg.replace(/^--context=/, '');
  if (
    pair === undefined ||
    !pair.includes('=') ||
    (pair === arg && !arg.startsWith('--context='))
  ) {
    console.error(`Unsupported argument "${arg}"; use -c key=value`);
    process.exit(2);
  }
  const at = pair.indexOf('=');
  context[pair.slice(0, at)] = pair.slice(at + 1);
}

rmSync(outdir, { recursive: true, force: true });
const started = Date.now();
const synth = spawnSync(cdkJson.app, {
  shell: true,
  stdio: 'inherit',
  env: {
    ...process.env,
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(context),
    // Don't probe EC2 instance metadata for credentials (slow off EC2, pointless here).
    AWS_EC2_METADATA_DISABLED: 'true',
  },
});
if (synth.status !== 0) {
  console.error(`Synthesis failed (exit ${synth.status ?? synth.signal})`);
  process.exit(synth.status ?? 1);
}
console.log(`Synthesized to ${outdir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const filesOf = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesOf(join(dir, entry.name)) : [join(dir, entry.name)],
  );

const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
const templates = Object.values(manifest.artifacts ?? {})
  .filter((artifact) => artifact.type === 'aws:cloudformation:stack')
  .map((artifact) => join(outdir, artifact.properties.templateFile));

const rows = [];
for (const templateFile of templates) {
  const template = JSON.parse(readFileSync(templateFile, 'utf8'));
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || !assetPath) continue;
    const dir = join(outdir, assetPath);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    const files = filesOf(dir);
    const code = files.filter((file) => /\.(m?js|cjs)$/.test(file));
    const maps = files.filter((file) => file.endsWith('.map'));
    const size = (list) => list.reduce((sum, file) => sum + statSync(file).size, 0);
    // Roughly what Lambda stores: the deflated (zipped) asset directory.
    const zipped = files.reduce((sum, file) => sum + deflateRawSync(readFileSync(file)).length, 0);
    const name = (resource.Metadata?.['aws:cdk:path'] ?? id).split('/').at(-3);
    rows.push({ name, code: size(code), maps: size(maps), zipped });
  }
}

if (rows.length === 0) {
  console.error('No bundled Lambda assets found; was bundling skipped (aws:cdk:bundling-stacks)?');
  process.exit(1);
}
rows.sort((a, b) => a.name.localeCompare(b.name));
const width = Math.max(...rows.map((row) => row.name.length), 'function'.length);
console.log('\nLambda bundle sizes (esbuild, minified ESM, AWS SDK included):');
console.log(
  `  ${'function'.padEnd(width)}  ${'bundle'.padStart(10)}  ${'source map'.padStart(10)}  ${'zipped'.padStart(10)}`,
);
for (const row of rows) {
  console.log(
    `  ${row.name.padEnd(width)}  ${kib(row.code).padStart(10)}  ${kib(row.maps).padStart(10)}  ${kib(row.zipped).padStart(10)}`,
  );
}
const total = rows.reduce((sum, row) => sum + row.zipped, 0);
console.log(
  `  ${'total zipped'.padEnd(width)}  ${''.padStart(10)}  ${''.padStart(10)}  ${kib(total).padStart(10)}`,
);
