import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { jest } from '@jest/globals';

jest.setTimeout(120_000);

const run = promisify(execFile);
// From this file, not the working directory: the root's `npm test` and the package's own run it.
const CLIENT = fileURLToPath(new URL('..', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** What a project that installed @draftstore/client (and nothing else) writes. */
const CONSUMER = `import { DraftStoreClient, DraftStoreError, type MultipartCreateResponse, type UploadResult } from '@draftstore/client';
import { draftStoreUppy } from '@draftstore/client/uppy';
const client = new DraftStoreClient({ baseUrl: 'http://127.0.0.1:8080' });
const created = {} as MultipartCreateResponse;
const parts: number = created.part_count;
// @ts-expect-error part_size is a number: the wire types are the contract's, not \`any\`
const wrong: string = created.part_size;
const done: Promise<UploadResult> = client.upload(new Blob(['x']), { objectName: 'a.txt' });
// The Uppy helper's subpath, with no @uppy package installed: it imports nothing of Uppy.
const awsS3Options = draftStoreUppy(client, { confirm: true });
const signed: Promise<{ url: string }> = awsS3Options.signRequest({ method: 'PUT', key: 'a.txt' });
void [parts, wrong, done, DraftStoreError, signed];
`;

describe('the packed @draftstore/client, as another project sees it', () => {
  let folder: string;
  let files: string[];

  beforeAll(async () => {
    // npm pack runs prepack (the build) and lists exactly what would be published.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: CLIENT });
    files = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    // Outside the repository, so that nothing (zod above all) resolves from its node_modules.
    folder = await mkdtemp(join(tmpdir(), 'draftstore-consumer-'));
    const installed = join(folder, 'node_modules', '@draftstore', 'client');
    for (const file of files) {
      await mkdir(dirname(join(installed, file)), { recursive: true });
      await cp(join(CLIENT, file), join(installed, file));
    }
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('ships ESM and .d.ts, without the compiled contract (whose JavaScript imports zod)', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/client/src/index.js',
        'dist/client/src/index.d.ts',
        'dist/client/src/wire.d.ts',
        'dist/client/src/uppy.js',
        'dist/client/src/uppy.d.ts',
      ]),
    );
    expect(files.filter((file) => file.startsWith('dist/lambdas/'))).toEqual([]);
  });

  it('publishes its README, the SDK and CLI reference', () => {
    expect(files).toContain('README.md');
  });

  it('type-checks strictly (no skipLibCheck) with typed wire shapes and no zod installed', async () => {
    await writeFile(join(folder, 'consumer.ts'), CONSUMER);
    await writeFile(
      join(folder, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          noEmit: true,
        },
        files: ['consumer.ts'],
      }),
    );
    const checked = await run(process.execPath, [TSC, '-p', folder]).catch(
      (error: { stdout: string }) => error,
    );
    expect(checked.stdout).toBe('');
  });
});
