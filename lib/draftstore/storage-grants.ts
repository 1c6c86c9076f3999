import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { nagResourceFinding } from '../nag.js';

/** What one function may do to which bucket. Each entry becomes one exact IAM statement. */
export interface StorageAccess {
  /** s3:GetObject on the objects (also covers HEAD). */
  readonly read?: readonly s3.IBucket[];
  /** s3:PutObject on the objects (presigned PUT, the target of CopyObject). */
  readonly write?: readonly s3.IBucket[];
  /** s3:DeleteObject on the objects (DeleteObject and DeleteObjects). */
  readonly delete?: readonly s3.IBucket[];
  /** s3:ListBucket on the bucket (ListObjectsV2, HeadBucket, and 404 rather than 403 on HEAD). */
  readonly list?: readonly s3.IBucket[];
  /** s3:ListBucketMultipartUploads on the bucket. */
  readonly listUploads?: readonly s3.IBucket[];
  /** s3:AbortMultipartUpload on the objects. */
  readonly abortUploads?: readonly s3.IBucket[];
  /** s3:ListMultipartUploadParts on the objects (ListParts). */
  readonly listParts?: readonly s3.IBucket[];
  /** s3:GetObjectTagging on the objects (confirm's recorded refusals, GuardDuty's verdict). */
  readonly readTags?: readonly s3.IBucket[];
  /** s3:PutObjectTagging on the objects (confirm records a refusal on the draft). */
  readonly writeTags?: readonly s3.IBucket[];
}

/**
 * Adds one exact statement per kind of access to `role`, scoped to the buckets (and their
 * objects). `owner` is the construct that created its own buckets: those are encrypted with
 * `encryptionKey`, any other bucket with its own `encryptionKey`.
 */
export const grantStorage = (
  owner: Construct,
  role: iam.Role,
  access: StorageAccess,
  encryptionKey: kms.IKey | undefined,
): void => {
  const objects = (buckets: readonly s3.IBucket[] = []) =>
    buckets.map((bucket) => bucket.arnForObjects('*'));
  const bucketArns = (buckets: readonly s3.IBucket[] = []) =>
    buckets.map((bucket) => bucket.bucketArn);
  const statements: iam.PolicyStatement[] = [];
  const add = (sid: string, actions: string[], resources: string[]) => {
    if (resources.length > 0) statements.push(new iam.PolicyStatement({ sid, actions, resources }));
  };
  add('ReadObjects', ['s3:GetObject'], objects(access.read));
  add('WriteObjects', ['s3:PutObject'], objects(access.write));
  add('DeleteObjects', ['s3:DeleteObject'], objects(access.delete));
  add('ListBuckets', ['s3:ListBucket'], bucketArns(access.list));
  add('ListMultipartUploads', ['s3:ListBucketMultipartUploads'], bucketArns(access.listUploads));
  add('AbortMultipartUploads', ['s3:AbortMultipartUpload'], objects(access.abortUploads));
  add('ListUploadParts', ['s3:ListMultipartUploadParts'], objects(access.listParts));
  add('ReadObjectTags', ['s3:GetObjectTagging'], objects(access.readTags));
  add('WriteObjectTags', ['s3:PutObjectTagging'], objects(access.writeTags));

  // SSE-KMS: reading needs Decrypt, writing needs a data key (and Decrypt for multipart).
  const createdHere = (bucket: s3.IBucket) =>
    bucket instanceof s3.Bucket && bucket.node.scope === owner;
  const keyOf = (bucket: s3.IBucket) =>
    createdHere(bucket) ? encryptionKey : bucket.encryptionKey;
  const keys = (buckets: readonly s3.IBucket[] = []) => [
    ...new Set(
      buckets
        .map(keyOf)
        .filter((key): key is kms.IKey => key !== undefined)
        .map((key) => key.keyArn),
    ),
  ];
  const writeKeys = keys(access.write);
  add('DecryptObjects', ['kms:Decrypt'], [...new Set([...keys(access.read), ...writeKeys])]);
  add('EncryptObjects', ['kms:GenerateDataKey'], writeKeys);

  for (const statement of statements) role.addToPrincipalPolicy(statement);

  // cdk-nag flags every `bucket-arn/*`; acknowledge exactly those, one finding each.
  const wildcards = new Set(
    [
      access.read,
      access.write,
      access.delete,
      access.abortUploads,
      access.listParts,
      access.readTags,
      access.writeTags,
    ].flatMap((buckets) => objects(buckets).map((arn) => nagResourceFinding(owner, arn))),
  );
  for (const finding of wildcards) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[${finding}]`,
      reason:
        'Object keys are chosen by clients at run time (<owner>/<name>), so object actions are granted on the DraftStore bucket\'s own objects ("bucket-arn/*") and nothing wider.',
    });
  }
};
