import { AsyncLocalStorage } from 'node:async_hooks';

const queues = new Map<string, Promise<void>>();
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/**
 * Runs `work` when no other work holds `key`, in arrival order. Reentrant: work that
 * already holds `key` (s3rver's getObject calling getMetadata) runs at once instead of
 * waiting for itself.
 */
export const withKeyLock = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
  const mine = held.getStore();
  if (mine?.has(key)) return work();
  const before = queues.get(key) ?? Promise.resolve();
  let release = (): void => undefined;
  const turn = new Promise<void>((done) => (release = done));
  const queue = before.then(() => turn);
  queues.set(key, queue);
  await before;
  try {
    return await held.run(new Set([...(mine ?? []), key]), work);
  } finally {
    release();
    if (queues.get(key) === queue) queues.delete(key);
  }
};
