import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
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
 * the upload's folder. So an abort that removes the folder while a part arrives (a
 * cancelled client) either revives a half-removed upload or, when it lands between the
 * two, is an uncaught exception that ends the whole process. Here a part is written only
 * into an existing upload (else 404 NoSuchUpload, as S3 answers) and every stream's
 * errors fail that one request.
 */
export const guardPartWrites = (store: PartStore): void => {
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const path = join(
      store.getResourcePath(bucket, undefined, 'uploads'),
      uploadId,
      String(partNumber),
    );
    try {
      const written = await writeWithMd5(content, path);
      await writeFile(`${path}.md5`, written.md5);
      return written;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', {
        UploadId: uploadId,
      });
    }
  };
};
