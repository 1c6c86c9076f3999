import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ObjectStore } from '../../../lambdas/storage/s3-object-store.js';
import { draftFailure, s3Error } from '../../helpers/s3-faults.js';

describe('S3ObjectStore multipart cleanup error paths', () => {
  const s3 = mockClient(S3Client);
  const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }));

  beforeEach(() => s3.reset());

  it('treats aborting an upload that is already gone (NoSuchUpload) as done', async () => {
    // prepare
    s3.on(AbortMultipartUploadCommand).rejects(s3Error('NoSuchUpload', 404));

    // act
    const abort = store.abortMultipartUpload('draft', 'alice/big', 'upload-1');

    // assess
    await expect(abort).resolves.toBeUndefined();
  });

  it('maps a throttled abort to storage_unavailable without leaking the bucket', async () => {
    // prepare
    s3.on(AbortMultipartUploadCommand).rejects(s3Error('SlowDown', 503));

    // act
    const error = await draftFailure(store.abortMultipartUpload('draft', 'alice/big', 'upload-1'));

    // assess
    expect(error.code).toBe('storage_unavailable');
    expect(error.message).not.toMatch(/secret-bucket-name/);
  });

  it('maps an abort in a missing bucket to bucket_not_found, not to "already gone"', async () => {
    // prepare
    s3.on(AbortMultipartUploadCommand).rejects(s3Error('NoSuchBucket', 404));

    // act
    const error = await draftFailure(store.abortMultipartUpload('draft', 'alice/big', 'upload-1'));

    // assess
    expect(error.code).toBe('bucket_not_found');
  });

  it('answers an empty, unsupported page when the store cannot list uploads', async () => {
    // prepare
    s3.on(ListMultipartUploadsCommand).rejects(s3Error('NotImplemented', 501));

    // act
    const page = await store.listMultipartUploads({ bucket: 'draft' });

    // assess
    expect(page).toEqual({ uploads: [], unsupported: true });
  });

  it('maps a denied upload listing to storage_unavailable', async () => {
    // prepare
    s3.on(ListMultipartUploadsCommand).rejects(s3Error('AccessDenied', 403));

    // act
    const error = await draftFailure(
      store.listMultipartUploads({ bucket: 'draft', prefix: 'alice/' }),
    );

    // assess
    expect(error.code).toBe('storage_unavailable');
  });

  it('maps an unexpected listing failure to internal', async () => {
    // prepare
    s3.on(ListMultipartUploadsCommand).rejects(s3Error('InvalidArgument', 400));

    // act
    const error = await draftFailure(store.listMultipartUploads({ bucket: 'draft' }));

    // assess
    expect(error.code).toBe('internal');
  });
});
