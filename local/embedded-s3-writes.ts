import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { withKeyLock } from './keyed-lock.js';
import { writeWithMd5 } from './md5-file-write.js';
import { currentConditions, etagMatches } from './request-conditions.js';

const require = createRequire(import.meta.url);
const S3Error = require('s3rver/lib/models/error.js') as new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;
const { ALLOWED_METADATA } = require('s3rver/lib/models/object.js') as {
  ALLOWED_METADATA: readonly string[];
};

/**
 * The three files s3rver keeps per object. The object file is read first by every
 * reader (a missing one is a missing object); the MD5 is recomputed when its file is
 * missing.
 */
const FILES = { object: 'object', md5: 'object.md5', metadata: 'metadata.json' } as const;
type FileKind = keyof typeof FILES;

/**
 * A write in progress is a set of temporary files beside the object, `<segment>._S3rver_w<id>.<o|5|m>`,
 * and, once all of them are complete, an empty commit marker `.c`. Only a write whose marker
 * exists is ever moved into place, so a crash leaves either the old object or the new one:
 * recoverInterruptedWrites finishes marked writes and removes unmarked ones at start-up.
 * The longest of these suffixes (20 bytes) is shorter than `._S3rver_metadata.json`, so any
 * key that fits on disk also fits here.
 */
const TEMP_SUFFIX = { object: 'o', md5: '5', metadata: 'm' } as const satisfies Record<
  FileKind,
  string
>;
const TEMP_NAME = /^(.*)\._S3rver_w([0-9a-f]{8})\.([a-z0-9])$/;
const COMMIT = 'c';

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

/** The parts of s3rver's FilesystemStore replaced or used here. */
export interface WritableStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  getBucketPath(bucket: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
  getObject(bucket: string, key: string, options?: unknown): Promise<unknown>;
  existsObject(bucket: string, key: string): Promise<boolean>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  copyObject(
    sourceBucket: string,
    sourceKey: string,
    targetBucket: string,
    targetKey: string,
    replacementMetadata?: Record<string, string> | null,
  ): Promise<Record<string, string | number>>;
  deleteObject(bucket: string, key: string): Promise<void>;
}

const isMissing = (error: unknown): boolean =>
  ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

const ignoreMissing = (error: unknown): void => {
  if (!isMissing(error)) throw error;
};

/** What s3rver keeps of a request's headers as an object's metadata. */
const storedMetadata = (
  headers: Record<string, string | number | undefined>,
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) =>
      (ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')) && value !== undefined
        ? [[name, String(value)]]
        : [],
    ),
  );

/**
 * Opens a new file for writing, creating its folder. A delete of the folder's last object
 * removes the folder, and may do so between our mkdir and open: then we make it again.
 */
const openNew = async (path: string) => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await open(path, 'wx');
    } catch (error) {
      if (!isMissing(error) || attempt === 5) throw error;
      await mkdir(dirname(path), { recursive: true });
    }
  }
};

/** One object write: its temporary files, committed (moved into place) under the key's lock. */
class PendingWrite {
  readonly #id = randomBytes(4).toString('hex');

  constructor(
    private readonly store: WritableStore,
    private readonly bucket: string,
    private readonly key: string,
  ) {}

  temp(kind: FileKind | typeof COMMIT): string {
    const suffix = kind === COMMIT ? COMMIT : TEMP_SUFFIX[kind];
    return this.store.getResourcePath(this.bucket, this.key, `w${this.#id}.${suffix}`);
  }

  final(kind: FileKind): string {
    return this.store.getResourcePath(this.bucket, this.key, FILES[kind]);
  }

  /** Writes the bytes, their MD5 and the metadata to temporary files. */
  async prepare(content: Readable, metadata: Record<string, string>) {
    const file = await openNew(this.temp('object'));
    try {
      const written = await writeWithMd5(content, file.createWriteStream());
      await writeFile(this.temp('md5'), written.md5);
      await writeFile(this.temp('metadata'), JSON.stringify(metadata, null, 2));
      return written;
    } catch (error) {
      await this.discard();
      throw error;
    }
  }

  /** Moves the files into place; call it holding the key's lock. The marker makes it all or nothing. */
  async commit(): Promise<void> {
    try {
      await writeFile(this.temp(COMMIT), '', { flag: 'wx' });
    } catch (error) {
      await this.discard();
      throw error;
    }
    // Once marked, the write is finished: here, or by the recovery at the next start.
    await finishCommit(
      this.temp(COMMIT),
      (kind) => this.temp(kind),
      (kind) => this.final(kind),
    );
  }

  async discard(): Promise<void> {
    await Promise.all(
      (['object', 'md5', 'metadata'] as const).map((kind) =>
        unlink(this.temp(kind)).catch(ignoreMissing),
      ),
    );
  }
}

/** Renames what is left of a marked write into place (metadata and MD5 before the bytes), then drops the marker. */
const finishCommit = async (
  marker: string,
  temp: (kind: FileKind) => string,
  final: (kind: FileKind) => string,
): Promise<void> => {
  for (const kind of ['metadata', 'md5', 'object'] as const) {
    await rename(temp(kind), final(kind)).catch(ignoreMissing);
  }
  await unlink(marker).catch(ignoreMissing);
};

/**
 * Removes the folders a delete left empty, up to the bucket. Another key's write may
 * have put a file in one meanwhile, or another delete removed it first: both are fine.
 */
const removeEmptyFolders = async (bucketPath: string, key: string): Promise<void> => {
  const segments = key.split('/').slice(0, -1);
  while (segments.length > 0) {
    const folder = join(bucketPath, ...segments);
    try {
      if ((await readdir(folder)).length > 0) return;
      await rmdir(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return;
      if (!isMissing(error)) throw error;
    }
    segments.pop();
  }
};

const lockOf = (store: WritableStore, bucket: string, key: string): string =>
  store.getResourcePath(bucket, key, FILES.object);

const preconditionFailed = (condition: string): Error =>
  new S3Error(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    {
      Condition: condition,
    },
  );

/**
 * Makes the embedded store's object writes atomic and ordered per key. s3rver writes an
 * object's three files in place, one after another, and copies by unlinking the
 * destination before copying the source: a copy whose source was deleted meanwhile (a
 * concurrent confirm's delete of the draft) left neither, and a reader could see half a
 * write. Here every write goes to temporary files and is moved into place under the key's
 * lock; reads of one key take the same lock, so they see one whole version; a copy reads
 * its source from an open file, so a later delete cannot cut it short. It also honours
 * what s3rver ignores: `If-Match` on DeleteObject and `x-amz-copy-source-if-match` on
 * CopyObject, checked under the lock (412 PreconditionFailed, as S3 answers).
 */
export const atomicObjectWrites = (store: WritableStore): void => {
  const original = {
    getMetadata: store.getMetadata.bind(store),
    getObject: store.getObject.bind(store),
  };
  const locked = <T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> =>
    withKeyLock(lockOf(store, bucket, key), work);

  const write = async (
    bucket: string,
    key: string,
    content: Readable,
    metadata: Record<string, string>,
  ) => {
    const pending = new PendingWrite(store, bucket, key);
    const written = await pending.prepare(content, metadata);
    await locked(bucket, key, () => pending.commit());
    return written;
  };

  store.getMetadata = (bucket, key) => locked(bucket, key, () => original.getMetadata(bucket, key));
  store.getObject = (bucket, key, options) =>
    locked(bucket, key, () => original.getObject(bucket, key, options));

  store.putObject = (object) =>
    write(
      object.bucket,
      object.key,
      Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content,
      storedMetadata(object.metadata),
    );

  store.copyObject = async (sourceBucket, sourceKey, targetBucket, targetKey, replacement) => {
    const { copySourceIfMatch } = currentConditions();
    // The source as one version: its metadata and an open file, so a delete or overwrite
    // after this cannot change what is copied.
    const source = await locked(sourceBucket, sourceKey, async () => {
      let metadata: Record<string, string | number>;
      try {
        metadata = await original.getMetadata(sourceBucket, sourceKey);
      } catch (error) {
        if (!isMissing(error)) throw error;
        throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: sourceKey });
      }
      if (
        copySourceIfMatch !== undefined &&
        !etagMatches(copySourceIfMatch, String(metadata.etag))
      ) {
        throw preconditionFailed('x-amz-copy-source-If-Match');
      }
      const path = store.getResourcePath(sourceBucket, sourceKey, FILES.object);
      const bytes = await new Promise<ReadStream>((opened, failed) => {
        const stream = createReadStream(path)
          .once('error', failed)
          .once('open', () => opened(stream));
      });
      return { stored: storedMetadata(metadata), bytes };
    });
    const metadata = replacement ? storedMetadata(replacement) : source.stored;
    const pending = new PendingWrite(store, targetBucket, targetKey);
    try {
      await pending.prepare(source.bytes, metadata);
    } finally {
      // Closes the source's file when the write failed before reading it to the end.
      source.bytes.destroy();
    }
    return locked(targetBucket, targetKey, async () => {
      await pending.commit();
      return original.getMetadata(targetBucket, targetKey);
    });
  };

  store.deleteObject = async (bucket, key) => {
    const { deleteIfMatch } = currentConditions();
    const deleted = await locked(bucket, key, async () => {
      if (deleteIfMatch !== undefined) {
        const current = await original.getMetadata(bucket, key).catch((error: unknown) => {
          ignoreMissing(error);
          return undefined;
        });
        if (current === undefined) return false;
        if (!etagMatches(deleteIfMatch, String(current.etag))) throw preconditionFailed('If-Match');
      }
      // The object file first: once it is gone the object is, whatever happens next.
      await unlink(store.getResourcePath(bucket, key, FILES.object)).catch(ignoreMissing);
      await Promise.all(
        [FILES.md5, FILES.metadata].map((file) =>
          unlink(store.getResourcePath(bucket, key, file)).catch(ignoreMissing),
        ),
      );
      return true;
    });
    if (deleted) await removeEmptyFolders(store.getBucketPath(bucket), key);
  };
};

/**
 * Finishes or removes the writes a crash interrupted, before the store serves anything:
 * a write with its commit marker is moved into place, any other temporary file (of an
 * object or of a multipart part) is deleted, and the metadata or MD5 files of an object
 * whose delete was cut short are removed.
 */
export const recoverInterruptedWrites = async (rootDirectory: string): Promise<void> => {
  const visit = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    const names = new Set(entries.map((entry) => entry.name));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        await visit(path);
        continue;
      }
      const temp = TEMP_NAME.exec(entry.name);
      if (!temp) continue;
      const [, segment, id, kind] = temp;
      const at = (suffix: string) => join(folder, `${segment}._S3rver_w${id}.${suffix}`);
      if (kind === COMMIT) {
        await finishCommit(
          path,
          (file) => at(TEMP_SUFFIX[file]),
          (file) => join(folder, `${segment}._S3rver_${FILES[file]}`),
        );
      } else if (!names.has(basename(at(COMMIT)))) {
        await unlink(path).catch(ignoreMissing);
      }
    }
    // Read again: the commits above may have moved objects into place.
    const after = new Set(await readdir(folder).catch(() => []));
    for (const name of after) {
      const orphan = /^(.*)\._S3rver_(object\.md5|metadata\.json)$/.exec(name);
      if (orphan && !after.has(`${orphan[1]}._S3rver_object`)) {
        await unlink(join(folder, name)).catch(ignoreMissing);
      }
    }
  };
  await visit(rootDirectory);
};
