import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode, isNotFound, toDraftError } from './s3-errors.js';

export interface BucketSetup {
  /** Origins allowed to PUT/POST/GET/HEAD from a browser; S3 allows one `*` per origin. */
  readonly corsOrigins: readonly string[];
}

const IGNORABLE = new Set(['NotImplemented', 'BucketAlreadyOwnedByYou']);

const bucketAnswers = async (client: S3Client, bucket: string): Promise<boolean> => {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  }
};

/**
 * Creates the bucket when missing and applies Block Public Access and CORS. Safe to
 * run concurrently and repeatedly. Outside AWS (MinIO, Ceph RGW) nothing else neutralises
 * an unsigned `x-amz-acl: public-read` on a presigned PUT, so BPA is not optional.
 */
export const ensureBucket = async (
  client: S3Client,
  bucket: string,
  setup: BucketSetup,
): Promise<'created' | 'existed'> => {
  let outcome: 'created' | 'existed' = 'existed';
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!isNotFound(error)) throw toDraftError(error, 'checking a bucket');
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      outcome = 'created';
    } catch (createError) {
      const code = errorCode(createError) ?? '';
      // s3rver and Ceph RGW answer a concurrent create of our own bucket with
      // BucketAlreadyExists; that is a lost race, not a failure, once the bucket answers us.
      const lostRace = code === 'BucketAlreadyExists' && (await bucketAnswers(client, bucket));
      if (!IGNORABLE.has(code) && !lostRace) throw toDraftError(createError, 'creating a bucket');
    }
  }
  const optional = async (send: () => Promise<unknown>, action: string) => {
    try {
      await send();
    } catch (error) {
      // Some S3-compatible stores lack these APIs; the embedded one has no BPA.
      if (!IGNORABLE.has(errorCode(error) ?? '')) throw toDraftError(error, action);
    }
  };
  await optional(
    () =>
      client.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: {
            // Ceph RGW 16.2 answers AccessDenied to every PutObject (signed or presigned,
            // with or without an ACL header) once BlockPublicAcls is set, so uploads would
            // be impossible. IgnorePublicAcls is what defeats an unsigned
            // `x-amz-acl: public-read` on a presigned PUT: the ACL is stored but never
            // grants anonymous access (test/conformance/security.test.ts shows it on RGW).
            // AWS buckets come from the CDK stack, with all four settings on.
            BlockPublicAcls: false,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      ),
    'blocking public access',
  );
  await optional(
    () =>
      client.send(
        new PutBucketCorsCommand({
          Bucket: bucket,
          CORSConfiguration: {
            CORSRules: [
              {
                AllowedOrigins: [...setup.corsOrigins],
                AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
                AllowedHeaders: ['*'],
                ExposeHeaders: ['ETag'],
                MaxAgeSeconds: 3000,
              },
            ],
          },
        }),
      ),
    'setting CORS',
  );
  return outcome;
};
