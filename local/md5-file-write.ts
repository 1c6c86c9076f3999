import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Streams `source` into the file at `target` (a path, or a stream already open on a file)
 * and answers its size and hex MD5, as the embedded store records them for objects and
 * parts (the MD5 is S3's ETag).
 */
export const writeWithMd5 = async (
  source: Readable,
  target: string | Writable,
): Promise<{ size: number; md5: string }> => {
  const md5 = createHash('md5');
  let size = 0;
  await pipeline(
    source,
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    }),
    typeof target === 'string' ? createWriteStream(target) : target,
  );
  return { size, md5: md5.digest('hex') };
};
