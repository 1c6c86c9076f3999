import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { DraftStoreClient } from '../../client/src/index.js';
import { runCli } from '../helpers/cli.js';
import { bearerFor, type TestRuntime } from '../helpers/local-runtime.js';
import { describeEachStore, startStoreRuntime } from './stores.js';

jest.setTimeout(180_000);

const token = (owner: string) => (bearerFor(owner).authorization ?? '').replace('Bearer ', '');

// `ds.usage()` and `draftstore usage` against the usage route (docs/quotas.md), with a quota
// the CLI's own uploads fill and its rm frees.
describeEachStore('draftstore usage against the quota', (store) => {
  let api: TestRuntime;
  let folder: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    api = await startStoreRuntime(store, { QUOTA_BYTES: '100', QUOTA_OBJECTS: '3' });
    folder = await mkdtemp(join(tmpdir(), 'draftstore-cli-usage-'));
    env = {
      DRAFTSTORE_API_URL: api.apiUrl,
      DRAFTSTORE_TOKEN: token('alice'),
      DRAFTSTORE_CACHE_DIR: join(folder, 'cache'),
    };
  });
  afterAll(async () => {
    await api?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  const file = async (name: string, size: number) => {
    const path = join(folder, name);
    await writeFile(path, 'x'.repeat(size));
    return path;
  };

  it('counts what the CLI confirms, refuses what would pass the quota, and frees what rm removes', async () => {
    const empty = await runCli(['usage', '--json'], env);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({
      bytes: 0,
      objects: 0,
      quota: { bytes: 100, objects: 3 },
    });

    const uploaded = await runCli(
      ['upload', await file('a.txt', 30), await file('b.txt', 40), '--confirm'],
      env,
    );
    expect(uploaded.code).toBe(0);
    expect(await runCli(['usage'], env)).toMatchObject({
      code: 0,
      stdout: 'bytes:   70 of 100 (70 %)\nobjects: 2 of 3 (66.7 %)\n',
    });

    // 70 + 40 > 100: refused, and nothing is counted.
    const over = await runCli(['upload', await file('c.txt', 40), '--confirm'], env);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('quota_exceeded (413)');

    expect((await runCli(['rm', 'b.txt'], env)).code).toBe(0);
    const ds = new DraftStoreClient({ baseUrl: api.apiUrl, token: token('alice') });
    expect(await ds.usage()).toEqual({ bytes: 30, objects: 1, quota: { bytes: 100, objects: 3 } });
    // Another owner's usage is their own.
    const bob = new DraftStoreClient({ baseUrl: api.apiUrl, token: token('bob') });
    expect(await bob.usage()).toMatchObject({ bytes: 0, objects: 0 });
  });
});
