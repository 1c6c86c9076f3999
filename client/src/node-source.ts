import { open, stat } from 'node:fs/promises';
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

export const readRange = async (path: string, start: number, end: number): Promise<Uint8Array> => {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(end - start);
    let offset = 0;
    while (offset < buffer.length) {
      const { bytesRead } = await handle.read(
        buffer,
        offset,
        buffer.length - offset,
        start + offset,
      );
      if (bytesRead === 0) throw new Error(`${path} shrank while it was being uploaded`);
      offset += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
};
