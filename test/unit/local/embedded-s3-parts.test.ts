import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { guardPartWrites, type PartStore } from '../../../local/embedded-s3-parts.js';

const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as new (
  root: string,
) => PartStore & {
  initiateUpload(bucket: string, key: string, uploadId: string, metadata: unknown): Promise<void>;
};

const UPLOAD = '0123456789abcdef0123456789abcdef';

describe('the embedded store writing a part', () => {
  let root: string;
  let store: InstanceType<typeof FilesystemStore>;
  let uploadDirectory: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'draftstore-parts-'));
    store = new FilesystemStore(root);
    guardPartWrites(store);
    await store.initiateUpload('draft', 'big.bin', UPLOAD, {});
    uploadDirectory = join(root, 'draft', '._S3rver_uploads', UPLOAD);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores the bytes and their MD5 as s3rver does', async () => {
    const bytes = Buffer.from('part one');
    const md5 = createHash('md5').update(bytes).digest('hex');
    await expect(store.putPart('draft', UPLOAD, 1, Readable.from([bytes]))).resolves.toEqual({
      size: bytes.length,
      md5,
    });
    expect(await readFile(join(uploadDirectory, '1'))).toEqual(bytes);
    expect(await readFile(join(uploadDirectory, '1.md5'), 'utf8')).toBe(md5);
  });

  it('answers NoSuchUpload for a part of an aborted upload, and recreates nothing', async () => {
    // An abort (DELETE ?uploadId) that removed the upload while this part was arriving.
    await rm(uploadDirectory, { recursive: true });
    await expect(
      store.putPart('draft', UPLOAD, 1, Readable.from([Buffer.from('late')])),
    ).rejects.toMatchObject({ code: 'NoSuchUpload', status: 404 });
    await expect(stat(uploadDirectory)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails the request, not the process, when the part file cannot be opened', async () => {
    // s3rver's own write stream has no error listener: this was an uncaught exception.
    await mkdir(join(uploadDirectory, '2'));
    await expect(
      store.putPart('draft', UPLOAD, 2, Readable.from([Buffer.from('bytes')])),
    ).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
