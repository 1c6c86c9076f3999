import {
  CreateBucketCommand,
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { errorCode, isNotFound, toDraftError } from './s3-errors.js';

export interface BucketSetup {
  /** Origins allowed to PUT/POST/GET/HEAD from a browser; S3 allows one `*` per origin. */
  readonly corsOrigins: readonly string[];
}

/**
 * Browser origins allowed on buckets that ensureBucket creates or updates. Presigned
 * URLs carry their own authorization, so any origin may use one it was handed.
 */
export const DEFAULT_BUCKET_SETUP: BucketSetup = { corsOrigins: ['*'] };

/** The lifecycle rule of buckets ensureBucket sets up, as the CDK stack gives its own. */
export const ABORT_INCOMPLETE_UPLOADS_RULE = 'abort-incomplete-multipart-uploads';

const IGNORABLE = new Set(['NotImplemented', 'BucketAlreadyOwnedByYou']);

/** What GET answers for a bucket that has no such configuration at all. */
const NO_CONFIGURATION = new Set([
  'NoSuchCORSConfiguration',
  'NoSuchLifecycleConfiguration',
  'NoSuchPublicAccessBlockConfiguration',
]);

const bucketAnswers = async (client: S3Client, bucket: string): Promise<boolean> => {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return true;
  } catch {
    return false;
  }
};

/** One bucket configuration: how to see whether the bucket has any, and how to set ours. */
interface Configuration {
  readonly action: string;
  read(): Promise<unknown>;
  write(): Promise<unknown>;
}

/**
 * Sets a configuration that the bucket lacks; one it has, whatever it says, is the owner's
 * and stays as it is. A store without the API (NotImplemented) is left alone.
 */
const addWhenMissing = async (config: Configuration, created: boolean): Promise<void> => {
  if (!created) {
    try {
      await config.read();
      return;
    } catch (error) {
      const code = errorCode(error) ?? '';
      if (IGNORABLE.has(code)) return;
      if (!NO_CONFIGURATION.has(code)) throw toDraftError(error, config.action);
    }
  }
  try {
    await config.write();
  } catch (error) {
    if (!IGNORABLE.has(errorCode(error) ?? '')) throw toDraftError(error, config.action);
  }
};

/**
 * Creates the bucket when missing, with Block Public Access, CORS and a lifecycle rule that
 * aborts incomplete multipart uploads. Of an existing bucket it only adds a configuration
 * the bucket has none of: an operator's CORS rules, BPA settings or lifecycle rules are
 * never rewritten. Safe to run concurrently and repeatedly. Outside AWS (MinIO, Ceph RGW)
 * nothing else neutralises an unsigned `x-amz-acl: public-read` on a presigned PUT.
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
  const created = outcome === 'created';
  await addWhenMissing(
    {
      action: 'blocking public access',
      // Ceph RGW answers an all-false configuration for a bucket that has none, so there
      // only a bucket created here gets BPA.
      read: () => client.send(new GetPublicAccessBlockCommand({ Bucket: bucket })),
      write: () =>
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
    },
    created,
  );
  await addWhenMissing(
    {
      action: 'setting CORS',
      read: () => client.send(new GetBucketCorsCommand({ Bucket: bucket })),
      write: () =>
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
    },
    created,
  );
  await addWhenMissing(
    {
      action: 'setting the lifecycle rule',
      read: () => client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })),
      // A multipart copy whose abort was lost (confirm under faults) would otherwise hold
      // storage for ever; the cleanup sweep aborts them too, this is the backstop.
      write: () =>
        client.send(
          new PutBucketLifecycleConfigurationCommand({
            Bucket: bucket,
            LifecycleConfiguration: {
              Rules: [
                {
                  ID: ABORT_INCOMPLETE_UPLOADS_RULE,
                  Status: 'Enabled',
                  Filter: { Prefix: '' },
                  AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
                },
              ],
            },
          }),
        ),
    },
    created,
  );
  return outcome;
};

/** ComposeOptions.bucketCreator over S3: ensureBucket with this setup. */
export const s3BucketCreator =
  (setup: BucketSetup = DEFAULT_BUCKET_SETUP) =>
  (client: S3Client) =>
  (bucket: string): Promise<'created' | 'existed'> =>
    ensureBucket(client, bucket, setup);
