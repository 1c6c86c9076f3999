import type { DraftStoreClient } from '../client.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

const share = (used: number, quota: number): string =>
  quota === 0 ? '100 %' : `${Math.round((used / quota) * 1000) / 10} %`;

/** `draftstore usage`: the caller's confirmed bytes and objects against their quota. */
export const usageCommand = async (client: DraftStoreClient, out: Output): Promise<number> => {
  const usage = await client.usage();
  if (out.json) {
    await out.record(usage);
    return EXIT.ok;
  }
  const line = (
    used: string,
    usedCount: number,
    quota: number | null,
    show: (n: number) => string,
  ) =>
    quota === null
      ? `${used} (no quota)`
      : `${used} of ${show(quota)} (${share(usedCount, quota)})`;
  await out.line(
    `bytes:   ${line(out.size(usage.bytes), usage.bytes, usage.quota.bytes, out.size)}`,
  );
  await out.line(
    `objects: ${line(String(usage.objects), usage.objects, usage.quota.objects, String)}`,
  );
  return EXIT.ok;
};
