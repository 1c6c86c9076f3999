import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import { isResumeRecord, type ResumeStore } from './resume-store.js';

/** The user's cache directory, per platform convention; DRAFTSTORE_CACHE_DIR overrides it. */
export const defaultCacheDirectory = (env: NodeJS.ProcessEnv = process.env): string => {
  if (env.DRAFTSTORE_CACHE_DIR) return env.DRAFTSTORE_CACHE_DIR;
  if (platform() === 'win32') {
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'draftstore');
  }
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'draftstore');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'draftstore');
};

/**
 * Node: one small JSON file per unfinished upload under `<cache>/uploads/`, named by a
 * hash of the fingerprint. Writes go through a rename so a killed process never leaves
 * half a record; upload tokens are credentials, so the files are private to the user.
 */
export const fileResumeStore = (directory = defaultCacheDirectory()): ResumeStore => {
  const folder = join(directory, 'uploads');
  const pathOf = (key: string) =>
    join(folder, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
  return {
    get: async (key) => {
      try {
        const parsed: unknown = JSON.parse(await readFile(pathOf(key), 'utf8'));
        return isResumeRecord(parsed) ? parsed : undefined;
      } catch {
        return undefined;
      }
    },
    set: async (key, record) => {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const temporary = `${pathOf(key)}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, JSON.stringify(record), { mode: 0o600 });
      await rename(temporary, pathOf(key));
    },
    delete: (key) => rm(pathOf(key), { force: true }),
  };
};
