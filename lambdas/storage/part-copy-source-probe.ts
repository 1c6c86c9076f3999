import { createHash, randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { PROBE_PREFIX } from './conditional-deletes.js';
import { copySource } from './copy-source.js';
import { errorCode, httpStatus } from './s3-errors.js';

const ONCE = 'copy source decoded once';
const TWICE = 'copy source decoded twice';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
/** RGW answers a part's ETag without the quotes AWS puts around it. */
const unquoted = (etag: string | undefined) => etag?.replace(/^"|"$/g, '');

/**
 * Whether the store's UploadPartCopy URL-decodes `x-amz-copy-source` twice (Ceph RGW 16.2).
 * Two probe objects under PROBE_PREFIX, `x%41` and `xA`, and one part copied from the
 * first with its name encoded once (`x%2541`): decoded once that names `x%41`, decoded
 * twice `xA`, and the part's ETag tells which bytes were copied. Both decodings are
 * well-formed escapes, so no store can trip over them (a malformed one aborts radosgw).
 * A store without UploadPartCopy (501: the embedded store) copies with CopyObject, which
 * decodes once: false. Rejects when the store fails, so the caller can try again.
 */
export const probePartCopySourceDecoding = async (
  client: S3Client,
  bucket: string,
): Promise<boolean> => {
  const folder = `${PROBE_PREFIX}${randomUUID()}/`;
  const once = { Bucket: bucket, Key: `${folder}x%41` };
  const twice = { Bucket: bucket, Key: `${folder}xA` };
  const target = { Bucket: bucket, Key: `${folder}target` };
  let uploadId: string | undefined;
  try {
    await client.send(new PutObjectCommand({ ...once, Body: ONCE }));
    await client.send(new PutObjectCommand({ ...twice, Body: TWICE }));
    uploadId = (await client.send(new CreateMultipartUploadCommand(target))).UploadId;
    if (uploadId === undefined) throw new Error('CreateMultipartUpload answered no UploadId');
    let etag: string | undefined;
    try {
      const out = await client.send(
        new UploadPartCopyCommand({
          ...target,
          UploadId: uploadId,
          PartNumber: 1,
          CopySource: copySource(bucket, once.Key),
        }),
      );
      etag = unquoted(out.CopyPartResult?.ETag);
    } catch (error) {
      if (errorCode(error) === 'NotImplemented' || httpStatus(error) === 501) return false;
      throw error;
    }
    if (etag === md5(TWICE)) return true;
    if (etag === md5(ONCE)) return false;
    throw new Error(`UploadPartCopy of the probe answered an unknown ETag: ${etag}`);
  } finally {
    // Left behind, they are only tiny objects under PROBE_PREFIX that cleanup expires.
    const cleanups: Promise<unknown>[] = [once, twice].map((object) =>
      client.send(new DeleteObjectCommand(object)),
    );
    if (uploadId !== undefined) {
      cleanups.push(
        client.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId })),
      );
    }
    await Promise.allSettled(cleanups);
  }
};

/**
 * Whether to encode UploadPartCopy's copy source twice, for one endpoint: `override` when
 * set (S3_PART_COPY_SOURCE_DECODED_TWICE), else probed once, on the first part copy. A
 * probe that fails is not kept: that copy fails with it, and the next one probes again.
 */
export class PartCopySourceDecoding {
  #answer: Promise<boolean> | undefined;

  constructor(
    private readonly client: S3Client,
    /** true or false: no probe. 'probe': ask the store. */
    private readonly setting: boolean | 'probe',
  ) {}

  async decodedTwice(bucket: string): Promise<boolean> {
    if (this.setting !== 'probe') return this.setting;
    const answer = (this.#answer ??= probePartCopySourceDecoding(this.client, bucket));
    try {
      return await answer;
    } catch (error) {
      if (this.#answer === answer) this.#answer = undefined;
      throw error;
    }
  }
}
