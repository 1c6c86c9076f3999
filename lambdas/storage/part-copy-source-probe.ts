import { randomUUID } from 'node:crypto';
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

const TWICE = 'copy source decoded twice';
/** MD5 of TWICE: the ETag of a part copied from it (RGW leaves the quotes off). */
const TWICE_MD5 = /^"?026b0bcdb1a38748104345cdef129dbb"?$/;

/**
 * Whether the store's UploadPartCopy URL-decodes `x-amz-copy-source` twice (Ceph RGW 16.2).
 * Two probe objects under PROBE_PREFIX, `x%41` and `xA`, and one part copied from the
 * first with its name encoded once (`x%2541`): decoded once that names `x%41`, decoded
 * twice `xA`, and only a part with the second's bytes (its ETag) means twice. Both
 * decodings are well-formed escapes, so no store can trip over them (a malformed one
 * aborts radosgw).
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
    await client.send(new PutObjectCommand({ ...once, Body: 'copy source decoded once' }));
    await client.send(new PutObjectCommand({ ...twice, Body: TWICE }));
    uploadId = (await client.send(new CreateMultipartUploadCommand(target))).UploadId;
    if (uploadId === undefined) throw new Error('no UploadId');
    try {
      const out = await client.send(
        new UploadPartCopyCommand({
          ...target,
          UploadId: uploadId,
          PartNumber: 1,
          CopySource: copySource(bucket, once.Key),
        }),
      );
      return TWICE_MD5.test(out.CopyPartResult?.ETag ?? '');
    } catch (error) {
      if (errorCode(error) === 'NotImplemented' || httpStatus(error) === 501) return false;
      throw error;
    }
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
