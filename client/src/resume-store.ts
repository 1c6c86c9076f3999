import type { UploadSource } from './source.js';

/** What a later `upload` of the same file needs to continue a multipart upload. */
export interface ResumeRecord {
  readonly upload_id: string;
  readonly upload_token: string;
  readonly part_size: number;
  readonly object_name: string;
  /**
   * The ETags of parts 1..n, saved just before `complete` is sent: if the run dies before it
   * hears the answer, a rerun repeats that complete (the server recognises its own upload by
   * the marker its signed token carries) instead of sending every part again.
   */
  readonly parts?: readonly string[];
}

export interface ResumeStore {
  get(fingerprint: string): Promise<ResumeRecord | undefined>;
  set(fingerprint: string, record: ResumeRecord): Promise<void>;
  delete(fingerprint: string): Promise<void>;
}

/**
 * The same file (name, size, mtime) going to the same object of the same API: the
 * conditions under which the parts already in the store are still the right bytes.
 */
export const fingerprintOf = (baseUrl: string, objectName: string, source: UploadSource): string =>
  JSON.stringify([
    'draftstore-resume-v1',
    baseUrl,
    objectName,
    source.name,
    source.size,
    source.lastModified,
  ]);

export const isResumeRecord = (value: unknown): value is ResumeRecord => {
  const record = value as Partial<ResumeRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.upload_id === 'string' &&
    typeof record.upload_token === 'string' &&
    typeof record.object_name === 'string' &&
    // A part size that makes no parts (0, negative, fractional) would make the upload endless.
    Number.isSafeInteger(record.part_size) &&
    (record.part_size as number) > 0 &&
    (record.parts === undefined ||
      (Array.isArray(record.parts) && record.parts.every((etag) => typeof etag === 'string')))
  );
};

export const memoryResumeStore = (): ResumeStore => {
  const records = new Map<string, ResumeRecord>();
  return {
    get: async (key) => records.get(key),
    set: async (key, record) => void records.set(key, record),
    delete: async (key) => void records.delete(key),
  };
};

const PREFIX = 'draftstore:resume:';

/** Browsers: one localStorage entry per unfinished upload. */
export const localStorageResumeStore = (storage: Storage = localStorage): ResumeStore => ({
  get: async (key) => {
    const raw = storage.getItem(PREFIX + key);
    if (raw === null) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      return isResumeRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  },
  set: async (key, record) => storage.setItem(PREFIX + key, JSON.stringify(record)),
  delete: async (key) => storage.removeItem(PREFIX + key),
});
