import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import {
  Ledger,
  sha256,
  type LedgerViolation,
  type StoreContents,
} from '../../bench/soak/ledger.js';

export { Ledger, sha256 };

/** Every key in the bucket with its size, page by page. */
const sizes = async (client: S3Client, bucket: string): Promise<Map<string, number>> => {
  const found = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const entry of page.Contents ?? []) found.set(entry.Key!, entry.Size ?? 0);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return found;
};

/** sha256 of the stored bytes, or undefined when the key is not there. */
const reader = (client: S3Client, bucket: string) => async (key: string) => {
  try {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return sha256(await object.Body!.transformToByteArray());
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
};

/**
 * Checks the ledger (what each client was told) against what RGW holds, read directly past
 * the service: every 200 confirm in main with its bytes, every draft pending or swept,
 * nothing in both buckets, nothing nobody uploaded. A draft older than `lifetimeMs` (record
 * an expired one with `draftedAt: 0`) may have been swept; by default none may.
 */
export const checkLedger = async (
  ledger: Ledger,
  client: S3Client,
  buckets: { readonly draft: string; readonly main: string },
  lifetimeMs = Number.POSITIVE_INFINITY,
): Promise<LedgerViolation[]> => {
  const store: StoreContents = {
    draft: await sizes(client, buckets.draft),
    main: await sizes(client, buckets.main),
    readMain: reader(client, buckets.main),
    readDraft: reader(client, buckets.draft),
  };
  const { violations } = await ledger.verify(store, { now: Date.now(), lifetimeMs });
  return violations;
};
