import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MIN_SIGNING_KEY_BYTES, type SigningKeySource } from '../lambdas/core/signing-key.js';

const KEY_BYTES = 32;

const readKey = async (path: string): Promise<Uint8Array | undefined> => {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    const key = Buffer.from(text, 'base64');
    if (key.length < MIN_SIGNING_KEY_BYTES) {
      throw new Error(`${path} holds no usable upload token key; delete it to make a new one`);
    }
    return key;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
};

/**
 * The local upload-token key: generated once into `path` (mode 0600) and read back on
 * every later start, so tokens outlive a restart of `npm start`. The key is written to a
 * private temporary file and then linked into place, so two runtimes starting at once on
 * one data folder agree on one key and never read a half-written one.
 */
export const fileSigningKey = (path: string): SigningKeySource => {
  let loaded: Promise<Uint8Array> | undefined;
  const load = async (): Promise<Uint8Array> => {
    const existing = await readKey(path);
    if (existing) return existing;
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(temporary, `${randomBytes(KEY_BYTES).toString('base64')}\n`, {
      flag: 'wx',
      mode: 0o600,
    });
    try {
      await link(temporary, path);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    } finally {
      await rm(temporary, { force: true });
    }
    const written = await readKey(path);
    if (!written) throw new Error(`${path} could not be created`);
    return written;
  };
  return {
    key: () =>
      (loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      })),
  };
};
