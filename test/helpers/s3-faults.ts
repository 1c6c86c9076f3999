import { S3ServiceException } from '@aws-sdk/client-s3';
import { DraftError } from '../../lambdas/core/errors.js';

/** An S3 error response as the SDK raises it; its message names a bucket that must not leak. */
export const s3Error = (name: string, status: number): S3ServiceException =>
  new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} from bucket secret-bucket-name`,
  });

/** A socket-level failure as Node raises it. */
export const networkError = (code: string): Error =>
  Object.assign(new Error(`read ${code}`), { code, name: 'Error' });

/** The DraftError a call fails with; the test fails if it succeeds or throws anything else. */
export const draftFailure = async (promise: Promise<unknown>): Promise<DraftError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DraftError);
    return error as DraftError;
  }
  throw new Error('the call succeeded');
};
