import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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
    const md5 = createHash('md5');
    let size = 0;
    try {
      await pipeline(
        content,
        new Transform({
          transform(chunk: Buffer, _encoding, done) {
            md5.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        }),
        createWriteStream(path),
      );
      const digest = md5.digest('hex');
      await writeFile(`${path}.md5`, digest);
      return { size, md5: digest };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', {
        UploadId: uploadId,
      });
    }
  };
};
