import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Jest loads global setups outside its module mapping (`./x.js` does not find `./x.ts`), so
// this file imports only node: modules, and the RGW setup by its absolute path (a plain
// path, not a file: URL: jest may compile this import to a require).

/** The newest modification time of the files under `dir`. */
const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);

/**
 * Synthesizes (`npm run synth`) when cdk.out is missing or older than any source it is built
 * from. CI synthesizes before `npm test`, so there this finds cdk.out fresh and does nothing.
 */
const synthesizeWhenStale = (root: string): void => {
  const template = join(root, 'cdk.out', 'DraftStore.template.json');
  const sources = Math.max(
    ...['lambdas', 'lib', 'bin'].map((dir) => newest(join(root, dir))),
    statSync(join(root, 'package-lock.json')).mtimeMs,
  );
  const fresh = () => existsSync(template) && statSync(template).mtimeMs >= sources;
  if (fresh()) return;
  process.stderr.write(
    '\n[deployed] cdk.out is missing or older than the sources: npm run synth\n',
  );
  const synth = spawnSync('npm', ['run', '--silent', 'synth'], { cwd: root, stdio: 'inherit' });
  // A bundle over its size budget fails `npm run synth` (and CI) but still leaves a complete
  // cdk.out: the bundles can be tested all the same.
  if (!fresh()) throw new Error(`npm run synth wrote no cdk.out (exit ${synth.status})`);
  if (synth.status !== 0) {
    process.stderr.write(`[deployed] npm run synth exited ${synth.status}; testing its cdk.out\n`);
  }
};

/** Fresh bundles, then the Ceph RGW they run against: the conformance project's instance. */
export default async function globalSetup(
  globalConfig: unknown,
  projectConfig: { rootDir: string },
): Promise<void> {
  synthesizeWhenStale(projectConfig.rootDir);
  const rgwSetup = join(projectConfig.rootDir, 'test', 'conformance', 'global-setup.ts');
  const { default: startRgw } = (await import(rgwSetup)) as {
    default: (globalConfig: unknown, projectConfig: { rootDir: string }) => Promise<void>;
  };
  await startRgw(globalConfig, projectConfig);
}
