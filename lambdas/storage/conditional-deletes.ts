import { randomUUID } from 'node:crypto';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode, httpStatus, isNotFound } from './s3-errors.js';

/**
 * Where probe objects live. Owner segments are percent-encoded principals (a `:` becomes
 * `%3A`) or `sha256:<hex>`, so no owner's key can start with this.
 */
export const PROBE_PREFIX = 'draftstore:probe/';

/** An ETag no object has: the probe deletes with it and sees whether the object survives. */
const WRONG_ETAG = '"00000000000000000000000000000000"';

/**
 * Whether DeleteObject honours `If-Match` in `bucket`: writes an object under PROBE_PREFIX,
 * deletes it with a wrong `If-Match`, and looks whether it survived. A 412 or a surviving
 * object means honoured. A store that refuses the header (501) or deletes anyway (Ceph RGW
 * 16.2, s3rver) does not honour it. Rejects when the store fails, so the caller can try again.
 */
export const probeConditionalDeletes = async (
  client: S3Client,
  bucket: string,
): Promise<boolean> => {
  const target = { Bucket: bucket, Key: `${PROBE_PREFIX}${randomUUID()}` };
  await client.send(new PutObjectCommand({ ...target, Body: 'probe' }));
  try {
    try {
      await client.send(new DeleteObjectCommand({ ...target, IfMatch: WRONG_ETAG }));
    } catch (error) {
      if (errorCode(error) === 'PreconditionFailed' || httpStatus(error) === 412) return true;
      if (errorCode(error) === 'NotImplemented' || httpStatus(error) === 501) return false;
      throw error;
    }
    try {
      await client.send(new HeadObjectCommand(target));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  } finally {
    try {
      await client.send(new DeleteObjectCommand(target));
    } catch {
      // A probe left behind is only a tiny object under PROBE_PREFIX; cleanup expires it.
    }
  }
};

/**
 * Caches, per bucket, whether conditional deletes are honoured. `assumeHonoured` (AWS,
 * which documents them) skips the probe. A probe that fails is not cached: the caller
 * takes the safe path this time, and the next delete probes again.
 */
export class ConditionalDeletes {
  readonly #answers = new Map<string, Promise<boolean>>();

  constructor(
    private readonly client: S3Client,
    private readonly assumeHonoured: boolean,
  ) {}

  async honoured(bucket: string): Promise<boolean> {
    if (this.assumeHonoured) return true;
    let answer = this.#answers.get(bucket);
    if (answer === undefined) {
      answer = probeConditionalDeletes(this.client, bucket);
      this.#answers.set(bucket, answer);
    }
    try {
      return await answer;
    } catch {
      if (this.#answers.get(bucket) === answer) this.#answers.delete(bucket);
      return false;
    }
  }

  /** Records that the store refused the condition outright. */
  refused(bucket: string): void {
    this.#answers.set(bucket, Promise.resolve(false));
  }
}
