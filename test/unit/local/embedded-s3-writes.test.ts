import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  atomicObjectWrites,
  recoverInterruptedWrites,
  type WritableStore,
} from '../../../local/embedded-s3-writes.js';

const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as new (
  root: string,
) => WritableStore;

const BUCKET = 'drafts';
const KEY = 'owner/photo.bin';
const ID = '0123abcd';

/**
 * A process killed mid-write must leave the old object or the new one, never a mix: the
 * store recovers interrupted writes when it starts (recoverInterruptedWrites).
 */
describe('the embedded store after a crash mid-write', () => {
  let root: string;
  let store: WritableStore;
  const folder = () => join(root, BUCKET, 'owner');
  const temp = (suffix: string) => join(folder(), `photo.bin._S3rver_w${ID}.${suffix}`);

  /** The new version's files, as a write leaves them before its commit. */
  const prepareNewVersion = async () => {
    await writeFile(temp('o'), 'version two');
    await writeFile(temp('5'), 'c6bd2bd5d4ba1b4e4a2d9c8ba00c9e05');
    await writeFile(temp('m'), JSON.stringify({ 'content-type': 'text/plain' }));
  };

  const current = async () => {
    const metadata = await store.getMetadata(BUCKET, KEY);
    const bytes = await readFile(join(folder(), 'photo.bin._S3rver_object'), 'utf8');
    return { bytes, type: metadata['content-type'], etag: metadata.etag };
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'draftstore-writes-'));
    store = new FilesystemStore(root);
    atomicObjectWrites(store);
    await store.putObject({
      bucket: BUCKET,
      key: KEY,
      content: Buffer.from('version one'),
      metadata: { 'content-type': 'image/png', 'x-amz-meta-a': '1' },
    });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps the old object whole when the crash came before the commit', async () => {
    // Prepare
    const before = await current();
    await prepareNewVersion();

    // Act
    await recoverInterruptedWrites(root);

    // Assess
    expect(await current()).toEqual(before);
    expect(before).toMatchObject({ bytes: 'version one', type: 'image/png' });
    expect((await readdir(folder())).filter((name) => name.includes('._S3rver_w'))).toEqual([]);
  });

  it('finishes a commit the crash cut short, so the new object is whole', async () => {
    // Prepare: marked, and the metadata already moved into place.
    await prepareNewVersion();
    await writeFile(temp('c'), '');
    await rename(temp('m'), join(folder(), 'photo.bin._S3rver_metadata.json'));

    // Act
    await recoverInterruptedWrites(root);

    // Assess
    expect(await current()).toEqual({
      bytes: 'version two',
      type: 'text/plain',
      etag: '"c6bd2bd5d4ba1b4e4a2d9c8ba00c9e05"',
    });
    expect((await readdir(folder())).sort()).toEqual([
      'photo.bin._S3rver_metadata.json',
      'photo.bin._S3rver_object',
      'photo.bin._S3rver_object.md5',
    ]);
  });

  it('removes what a delete cut short left beside a missing object', async () => {
    // Prepare: the object file went first, then the process died.
    await rm(join(folder(), 'photo.bin._S3rver_object'));

    // Act
    await recoverInterruptedWrites(root);

    // Assess
    expect(await readdir(folder())).toEqual([]);
    await expect(store.getMetadata(BUCKET, KEY)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('removes the temporary file of a part that was still arriving', async () => {
    // Prepare
    const upload = join(root, BUCKET, '._S3rver_uploads', 'f'.repeat(32));
    await mkdir(upload, { recursive: true });
    await writeFile(join(upload, 'key'), KEY);
    await writeFile(join(upload, `1._S3rver_w${ID}.p`), 'half a part');

    // Act
    await recoverInterruptedWrites(root);

    // Assess
    expect(await readdir(upload)).toEqual(['key']);
  });

  it('writes a copy whole although its source is deleted while it is copied', async () => {
    // Prepare: the delete is queued behind the copy's read of its source.
    const copied = store.copyObject(BUCKET, KEY, 'main', KEY, {
      'content-type': 'image/png',
      'x-amz-meta-confirmed': 'yes',
    });
    const deleted = store.deleteObject(BUCKET, KEY);

    // Act
    const [metadata] = await Promise.all([copied, deleted]);

    // Assess
    expect(metadata).toMatchObject({ 'content-type': 'image/png', 'x-amz-meta-confirmed': 'yes' });
    expect(await readFile(join(root, 'main', 'owner', 'photo.bin._S3rver_object'), 'utf8')).toBe(
      'version one',
    );
    await expect(store.getMetadata(BUCKET, KEY)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
