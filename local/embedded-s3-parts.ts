import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { withKeyLock } from './keyed-lock.js';
import { writeWithMd5 } from './md5-file-write.js';

const require = createRequire(import.meta.url);
const S3Error = require('s3rver/lib/models/error.js') as new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;

/** The part of s3rver's FilesystemStore replaced here. */
export interface PartStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putPart(
    bucket: string,
    uploadId: string,
    partNumber: number,
    content: Readable,
  ): Promise<{ size: number; md5: string }>;
}

/**
 * s3rver writes a part through a file stream without an error listener, after recreating
 * the upload's folder, and under its final name. So an abort that removes the folder while
 * a part arrives (a cancelled client) either revived a half-removed upload or, when it
 * landed between the two, was an uncaught exception that ended the whole process; and a
 * part cut off mid-body stayed listed with its partial size and no ETag. Here a part is
 * written under a temporary name into an existing upload only (else 404 NoSuchUpload, as
 * S3 answers), every stream's errors fail that one request, and only a complete body is
 * moved into place, under the upload's lock (so a complete or abort sees a part whole or
 * not at all). Its MD5 file is replaced after it: a listing needs both, so a crash between
 * the two leaves the part unlisted, never listed with another body's ETag.
 */
export const guardPartWrites = (store: PartStore): void => {
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const folder = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const path = join(folder, String(partNumber));
    const id = randomBytes(4).toString('hex');
    const temp = { bytes: `${path}._S3rver_w${id}.p`, md5: `${path}._S3rver_w${id}.q` };
    try {
      const written = await writeWithMd5(content, temp.bytes);
      await writeFile(temp.md5, written.md5);
      await withKeyLock(resolve(folder), async () => {
        await unlink(`${path}.md5`).catch(ignoreMissing);
        await rename(temp.bytes, path);
        await rename(temp.md5, `${path}.md5`);
      });
      return written;
    } catch (error) {
      await Promise.all(Object.values(temp).map((file) => unlink(file).catch(() => undefined)));
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', {
        UploadId: uploadId,
      });
    }
  };
};

const ignoreMissing = (error: unknown): void => {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
};
