import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { errorCode, toDraftError } from './s3-errors.js';

/**
 * Aborts a multipart upload; one that was completed or aborted meanwhile no longer holds
 * storage, so NoSuchUpload is success. Shared by the object store (confirm's copies, the
 * sweep) and the multipart store (client uploads).
 */
export const abortUpload = async (
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
): Promise<void> => {
  try {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }),
    );
  } catch (error) {
    if (errorCode(error) === 'NoSuchUpload') return;
    throw toDraftError(error, 'aborting a multipart upload');
  }
};
