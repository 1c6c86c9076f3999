import { Match } from 'aws-cdk-lib/assertions';
import { bucketArn, synth, type Synthesized } from './synth.js';

const blockAll = {
  BlockPublicAcls: true,
  BlockPublicPolicy: true,
  IgnorePublicAcls: true,
  RestrictPublicBuckets: true,
};

/** The bucket policy statement CDK's `enforceSSL` adds. */
const denyInsecureTransport = (id: string) =>
  Match.objectLike({
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: 's3:*',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    Resource: [bucketArn(id), { 'Fn::Join': ['', [bucketArn(id), '/*']] }],
  });

describe('buckets (defaults)', () => {
  let synthesized: Synthesized;
  let draft: string;
  let main: string;

  beforeAll(() => {
    synthesized = synth({ allowedOrigins: 'https://app.example.com,https://admin.example.com' });
    draft = synthesized.bucketId(synthesized.stack.draftStore.draftBucket);
    main = synthesized.bucketId(synthesized.stack.draftStore.mainBucket);
  });

  const bucket = (id: string) => synthesized.template.toJSON().Resources[id];

  it('blocks public access and encrypts with S3-managed keys on both buckets', () => {
    for (const id of [draft, main]) {
      expect(bucket(id).Properties.PublicAccessBlockConfiguration).toEqual(blockAll);
      expect(bucket(id).Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      });
    }
  });

  it('denies every request without TLS on both buckets', () => {
    for (const id of [draft, main]) {
      synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: { Statement: Match.arrayWith([denyInsecureTransport(id)]) },
      });
    }
  });

  it('expires drafts a day after OBJECT_LIFETIME and aborts multipart uploads after a day', () => {
    expect(bucket(draft).Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          Id: 'expire-drafts',
          Status: 'Enabled',
          ExpirationInDays: 2,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        },
      ],
    });
    expect(bucket(draft).Properties.VersioningConfiguration).toBeUndefined();
  });

  it('lets browsers from the configured origins PUT, GET and HEAD drafts and read ETag', () => {
    expect(bucket(draft).Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
          AllowedMethods: ['PUT', 'POST', 'GET', 'HEAD'],
          AllowedHeaders: ['*'],
          ExposedHeaders: ['ETag'],
          MaxAge: 3000,
        },
      ],
    });
    expect(bucket(main).Properties.CorsConfiguration.CorsRules[0].AllowedMethods).toEqual([
      'GET',
      'HEAD',
    ]);
  });

  it('versions the main bucket, expires noncurrent versions after 30 days and retains it', () => {
    expect(bucket(main).Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket(main).Properties.LifecycleConfiguration.Rules[0]).toMatchObject({
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    });
    expect(bucket(main).DeletionPolicy).toBe('Retain');
    expect(bucket(main).UpdateReplacePolicy).toBe('Retain');
  });

  it('writes server access logs of both buckets to a private, SSL-only log bucket', () => {
    const logs = synthesized.bucketId(synthesized.stack.draftStore.accessLogsBucket!);
    expect(bucket(draft).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs },
      LogFilePrefix: 'draft/',
    });
    expect(bucket(main).Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs },
      LogFilePrefix: 'main/',
    });
    expect(bucket(logs).Properties.PublicAccessBlockConfiguration).toEqual(blockAll);
    synthesized.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          denyInsecureTransport(logs),
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
  });
});

describe('buckets (configured)', () => {
  it('rounds OBJECT_LIFETIME up to whole days plus one, and honours names and retention', () => {
    const { template, stack, bucketId } = synth({
      objectLifetimeSeconds: 36 * 3600,
      noncurrentVersionDays: 7,
      mainBucketName: 'acme-main',
      draftBucketName: 'acme-draft',
      removalPolicy: 'destroy',
    });
    const resources = template.toJSON().Resources;
    const draft = resources[bucketId(stack.draftStore.draftBucket)];
    const main = resources[bucketId(stack.draftStore.mainBucket)];
    expect(draft.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(3);
    expect(main.Properties.LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration).toEqual({
      NoncurrentDays: 7,
    });
    expect(draft.Properties.BucketName).toBe('acme-draft');
    expect(main.Properties.BucketName).toBe('acme-main');
    expect(main.DeletionPolicy).toBe('Delete');
  });

  it('encrypts both buckets with the KMS key, with S3 bucket keys', () => {
    const { template, stack, bucketId } = synth({ kms: 'true' });
    const key = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    for (const bucket of [stack.draftStore.draftBucket, stack.draftStore.mainBucket]) {
      expect(template.toJSON().Resources[bucketId(bucket)].Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] },
            },
          },
        ],
      });
    }
  });
});
