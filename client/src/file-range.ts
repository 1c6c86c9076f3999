import { open } from 'node:fs/promises';

/** The bytes `start` (inclusive) to `end` (exclusive) of a file on disk (Node only). */
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
