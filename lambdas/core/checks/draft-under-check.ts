import type { ObjectInfo } from '../object-store.js';
import type { DraftBytes, DraftUnderCheck } from './confirm-check.js';

/** One ranged GET of this many bytes serves every check: enough for every magic number we use. */
export const HEAD_BYTES = 4096;

/** `Image/PNG; charset=x` → `image/png`. */
export const essenceOf = (contentType: string | undefined): string | undefined => {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  return essence === '' ? undefined : essence;
};

/** A draft whose first bytes are read at most once, on the first check that asks. */
export const draftUnderCheck = (
  bytes: DraftBytes,
  bucket: string,
  key: string,
  info: ObjectInfo,
): DraftUnderCheck => {
  let head: Promise<Uint8Array> | undefined;
  const range = (start: number, length: number): Promise<Uint8Array> =>
    start >= info.size || length <= 0
      ? Promise.resolve(new Uint8Array(0))
      : bytes.readRange({ bucket, key, start, length, ifMatch: info.etag });
  return {
    bucket,
    key,
    info,
    declaredType: essenceOf(info.contentType),
    head: () => (head ??= range(0, HEAD_BYTES)),
    range,
    stream: () => bytes.readStream({ bucket, key, ifMatch: info.etag }),
  };
};
