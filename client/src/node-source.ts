import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { UploadSource } from './source.js';

/** A file on disk (Node only). Parts are streamed from it by the Node transport. */
export const fileSource = async (path: string, type = ''): Promise<UploadSource> => {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  return {
    name: basename(path),
    size: info.size,
    lastModified: Math.trunc(info.mtimeMs),
    type,
    slice: (start, end) => ({ kind: 'file', path, start, end }),
  };
};
