#!/usr/bin/env node
// `npm run synth`: `cdk synth` with real (local esbuild) bundling of every function,
// then each function's bundle size, so CI logs show size regressions. Offline-safe: no
// credentials or network needed. Extra arguments go to `cdk synth`
// (e.g. `npm run synth -- -c jwtIssuer=https://issuer.example.com/ -c jwtAudience=api`).
// Exits 1 when a bundle crosses its budget in scripts/bundle-budget.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { checkBudget } from './bundle-budget.mjs';

const outdir = resolve('cdk.out');
rmSync(outdir, { recursive: true, force: true });
const started = Date.now();
const synth = spawnSync(
  'cdk',
  ['synth', '--quiet', '--no-notices', '--output', outdir, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      // Don't probe EC2 instance metadata for credentials (slow off EC2, pointless here).
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    },
  },
);
if (synth.status !== 0) {
  console.error(`cdk synth failed (exit ${synth.status ?? synth.signal})`);
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

const budgetFile = fileURLToPath(new URL('./bundle-budget.json', import.meta.url));
const budget = JSON.parse(readFileSync(budgetFile, 'utf8'));
const problems = checkBudget(rows, budget);
if (problems.length > 0) {
  console.error('\nBundle size budget exceeded (scripts/bundle-budget.json):');
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error('Shrink the bundle, or raise its budget deliberately in the same change.');
  process.exit(1);
}
console.log(`\nEvery bundle is within its budget (scripts/bundle-budget.json).`);
