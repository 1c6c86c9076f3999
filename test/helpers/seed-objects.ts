import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Runs `work` over `items` with at most `concurrency` calls pending at once. */
export const forEachLimited = async <T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<unknown>,
): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
};

/** PUTs `body` under every key, a bounded number of requests at a time. */
export const putObjects = (
  client: S3Client,
  bucket: string,
  keys: readonly string[],
  body: Uint8Array,
  concurrency = 16,
): Promise<void> =>
  forEachLimited(keys, concurrency, (key) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
  );

/** `count` draft keys spread over a few owners: `owner-3/draft-000042.bin`. */
export const draftKeys = (count: number, tag = 'draft', owners = 8): string[] =>
  Array.from(
    { length: count },
    (_, index) => `owner-${index % owners}/${tag}-${String(index).padStart(6, '0')}.bin`,
  );
