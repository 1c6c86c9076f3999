import { Match } from 'aws-cdk-lib/assertions';
import { ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import { bucketArn, objectsArn, synth, type Synthesized } from './synth.js';

/** Construct ids of every function: one per route, plus cleanup and connect. */
const FUNCTIONS = [...ROUTE_TABLE.map((route) => route.entry), 'cleanup', 'connect'].map((name) =>
  name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
);

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string };

/** The statements of one function's role, by the function's construct id. */
const statementsOf = ({ template }: Synthesized, fn: string): Statement[] => {
  const policies = template.findResources('AWS::IAM::Policy');
  const matches = Object.entries(policies).filter(([id]) =>
    id.startsWith(`DraftStore${fn}RoleDefaultPolicy`),
  );
  expect(matches).toHaveLength(1);
  return matches[0]![1].Properties.PolicyDocument.Statement as Statement[];
};

/** Cleanup's sends to its dead-letter queue, checked in cleanup-alerts.test.ts. */
const isQueueSend = (statement: Statement) =>
  [statement.Action].flat().every((action) => action.startsWith('sqs:'));
/** Reads of the upload token secret, checked in multipart.test.ts. */
const isSecretRead = (statement: Statement) =>
  [statement.Action].flat().every((action) => action.startsWith('secretsmanager:'));

/** Usage table access, checked in usage-table.test.ts. */
const isUsageTableAccess = (statement: Statement) =>
  [statement.Action].flat().every((action) => action.startsWith('dynamodb:')) ||
  statement.Sid === 'UsageTableKey';

/**
 * The storage statements (everything but the function's own log writes and the cleanup
 * job's dead-letter queue), as sid → statement.
 */
const storageOf = (synthesized: Synthesized, fn: string) =>
  Object.fromEntries(
    statementsOf(synthesized, fn)
      .filter(
        (statement) =>
          statement.Sid !== 'WriteOwnLogs' &&
          !isQueueSend(statement) &&
          !isSecretRead(statement) &&
          !isUsageTableAccess(statement),
      )
      .map((statement) => [
        statement.Sid,
        { Action: statement.Action, Resource: statement.Resource },
      ]),
  );

describe('function permissions (default buckets, SSE-S3)', () => {
  let synthesized: Synthesized;
  let draft: string;
  let main: string;

  beforeAll(() => {
    synthesized = synth();
    draft = synthesized.bucketId(synthesized.stack.draftStore.draftBucket);
    main = synthesized.bucketId(synthesized.stack.draftStore.mainBucket);
  });

  it('lets upload-url only put objects into the draft bucket', () => {
    expect(storageOf(synthesized, 'UploadUrl')).toEqual({
      WriteObjects: { Action: 's3:PutObject', Resource: objectsArn(draft) },
    });
  });

  it('lets upload-form only put objects into the draft bucket (the presigned POST)', () => {
    expect(storageOf(synthesized, 'UploadForm')).toEqual({
      WriteObjects: { Action: 's3:PutObject', Resource: objectsArn(draft) },
    });
  });

  it("lets download-url read (and HEAD) objects in both buckets, list both for 404s, and read drafts' tags (confirm's refusals)", () => {
    expect(storageOf(synthesized, 'DownloadUrl')).toEqual({
      ReadObjects: { Action: 's3:GetObject', Resource: [objectsArn(draft), objectsArn(main)] },
      ListBuckets: { Action: 's3:ListBucket', Resource: [bucketArn(draft), bucketArn(main)] },
      ReadObjectTags: { Action: 's3:GetObjectTagging', Resource: objectsArn(draft) },
    });
  });

  it('lets confirm-upload read both, write main, delete drafts, list both, abort its copies and tag refused drafts', () => {
    expect(storageOf(synthesized, 'ConfirmUpload')).toEqual({
      ReadObjects: { Action: 's3:GetObject', Resource: [objectsArn(draft), objectsArn(main)] },
      WriteObjects: { Action: 's3:PutObject', Resource: objectsArn(main) },
      DeleteObjects: { Action: 's3:DeleteObject', Resource: objectsArn(draft) },
      ListBuckets: { Action: 's3:ListBucket', Resource: [bucketArn(draft), bucketArn(main)] },
      // A multipart copy (drafts over 64 MiB) is aborted when a part fails.
      AbortMultipartUploads: { Action: 's3:AbortMultipartUpload', Resource: objectsArn(main) },
      // A refused draft is tagged with its verdict, bound to its ETag.
      ReadObjectTags: { Action: 's3:GetObjectTagging', Resource: objectsArn(draft) },
      WriteObjectTags: { Action: 's3:PutObjectTagging', Resource: objectsArn(draft) },
    });
  });

  it('gives each original-DraftStore route exactly the grants of its modern twin', () => {
    expect(storageOf(synthesized, 'CompatUploadUrl')).toEqual(storageOf(synthesized, 'UploadUrl'));
    expect(storageOf(synthesized, 'CompatDownloadUrl')).toEqual(
      storageOf(synthesized, 'DownloadUrl'),
    );
    expect(storageOf(synthesized, 'CompatConfirm')).toEqual(
      storageOf(synthesized, 'ConfirmUpload'),
    );
    // CreateDraftBucket only verifies the CDK-owned buckets in the cloud: HeadBucket.
    expect(storageOf(synthesized, 'CompatBucket')).toEqual(storageOf(synthesized, 'Health'));
  });

  it('lets object-info only read (GetObject authorises HEAD) both buckets, and list both for 404s', () => {
    expect(storageOf(synthesized, 'ObjectInfo')).toEqual({
      ReadObjects: { Action: 's3:GetObject', Resource: [objectsArn(draft), objectsArn(main)] },
      ListBuckets: { Action: 's3:ListBucket', Resource: [bucketArn(draft), bucketArn(main)] },
    });
  });

  it('lets list-objects only list both buckets, reading and changing no object', () => {
    expect(storageOf(synthesized, 'ListObjects')).toEqual({
      ListBuckets: { Action: 's3:ListBucket', Resource: [bucketArn(draft), bucketArn(main)] },
    });
  });

  it('lets delete-object only delete objects in both buckets', () => {
    expect(storageOf(synthesized, 'DeleteObject')).toEqual({
      DeleteObjects: {
        Action: 's3:DeleteObject',
        Resource: [objectsArn(draft), objectsArn(main)],
      },
    });
  });

  it('lets health only HeadBucket (s3:ListBucket) both buckets', () => {
    expect(storageOf(synthesized, 'Health')).toEqual({
      ListBuckets: { Action: 's3:ListBucket', Resource: [bucketArn(draft), bucketArn(main)] },
    });
  });

  it("lets cleanup list and delete drafts and abort stale multipart uploads, none of main's objects", () => {
    expect(storageOf(synthesized, 'Cleanup')).toEqual({
      DeleteObjects: { Action: 's3:DeleteObject', Resource: objectsArn(draft) },
      ListBuckets: { Action: 's3:ListBucket', Resource: bucketArn(draft) },
      ListMultipartUploads: {
        Action: 's3:ListBucketMultipartUploads',
        Resource: [bucketArn(draft), bucketArn(main)],
      },
      AbortMultipartUploads: {
        Action: 's3:AbortMultipartUpload',
        Resource: [objectsArn(draft), objectsArn(main)],
      },
    });
  });

  it('gives connect the union of upload, download, confirm, object info, listing, deletion, health and multipart', () => {
    expect(storageOf(synthesized, 'Connect')).toEqual({
      ReadObjects: { Action: 's3:GetObject', Resource: [objectsArn(draft), objectsArn(main)] },
      WriteObjects: { Action: 's3:PutObject', Resource: [objectsArn(draft), objectsArn(main)] },
      DeleteObjects: {
        Action: 's3:DeleteObject',
        Resource: [objectsArn(draft), objectsArn(main)],
      },
      ListBuckets: { Action: 's3:ListBucket', Resource: [bucketArn(draft), bucketArn(main)] },
      AbortMultipartUploads: {
        Action: 's3:AbortMultipartUpload',
        Resource: [objectsArn(draft), objectsArn(main)],
      },
      ListUploadParts: { Action: 's3:ListMultipartUploadParts', Resource: objectsArn(draft) },
      ReadObjectTags: { Action: 's3:GetObjectTagging', Resource: objectsArn(draft) },
      WriteObjectTags: { Action: 's3:PutObjectTagging', Resource: objectsArn(draft) },
    });
  });

  it('lets each function write only to its own log group', () => {
    for (const fn of FUNCTIONS) {
      const logs = statementsOf(synthesized, fn).find(
        (statement) => statement.Sid === 'WriteOwnLogs',
      );
      expect(logs).toEqual({
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: {
          'Fn::GetAtt': [expect.stringMatching(new RegExp(`^DraftStore${fn}Logs`)), 'Arn'],
        },
      });
    }
  });

  it('uses no managed policies, no wildcard actions and no "*" resource', () => {
    const roles = synthesized.template.findResources('AWS::IAM::Role');
    for (const role of Object.values(roles))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = synthesized.template.findResources('AWS::IAM::Policy');
    for (const policy of Object.values(policies)) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
        expect(statement.Effect).toBe('Allow');
        for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
        for (const resource of [statement.Resource].flat()) expect(resource).not.toBe('*');
      }
    }
  });

  it('grants no KMS actions without a customer-managed key', () => {
    const json = JSON.stringify(synthesized.template.findResources('AWS::IAM::Policy'));
    expect(json).not.toContain('kms:');
  });
});

describe('function permissions with a KMS key', () => {
  it('adds kms:Decrypt for readers and kms:GenerateDataKey for writers on that key only', () => {
    const synthesized = synth({ kms: 'true' });
    const key = Object.keys(synthesized.template.findResources('AWS::KMS::Key'))[0]!;
    const keyArn = { 'Fn::GetAtt': [key, 'Arn'] };
    const kmsOf = (fn: string) =>
      Object.fromEntries(
        Object.entries(storageOf(synthesized, fn)).filter(([sid]) => sid?.endsWith('cryptObjects')),
      );

    expect(kmsOf('UploadUrl')).toEqual({
      DecryptObjects: { Action: 'kms:Decrypt', Resource: keyArn },
      EncryptObjects: { Action: 'kms:GenerateDataKey', Resource: keyArn },
    });
    expect(kmsOf('DownloadUrl')).toEqual({
      DecryptObjects: { Action: 'kms:Decrypt', Resource: keyArn },
    });
    expect(kmsOf('ConfirmUpload')).toEqual({
      DecryptObjects: { Action: 'kms:Decrypt', Resource: keyArn },
      EncryptObjects: { Action: 'kms:GenerateDataKey', Resource: keyArn },
    });
    expect(kmsOf('Health')).toEqual({});
    expect(kmsOf('Cleanup')).toEqual({});
    synthesized.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('function permissions with existing SSE-KMS buckets', () => {
  it('still grants the key: an imported bucket carries kmsKeyArn with it', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000';
    const synthesized = synth({
      existingMainBucketName: 'corp-main',
      existingDraftBucketName: 'corp-draft',
      kmsKeyArn: keyArn,
    });

    expect(storageOf(synthesized, 'UploadUrl')).toMatchObject({
      EncryptObjects: { Action: 'kms:GenerateDataKey', Resource: keyArn },
    });
    expect(storageOf(synthesized, 'DownloadUrl')).toMatchObject({
      DecryptObjects: { Action: 'kms:Decrypt', Resource: keyArn },
    });
  });
});

describe('function permissions with existing buckets', () => {
  it('scopes the grants to the given buckets and creates none', () => {
    const synthesized = synth({
      existingMainBucketName: 'corp-main',
      existingDraftBucketName: 'corp-draft',
    });
    synthesized.template.resourceCountIs('AWS::S3::Bucket', 0);
    const arn = (resource: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${resource}`]],
    });
    expect(storageOf(synthesized, 'UploadUrl')).toEqual({
      WriteObjects: { Action: 's3:PutObject', Resource: arn('corp-draft/*') },
    });
    expect(storageOf(synthesized, 'Health')).toEqual({
      ListBuckets: { Action: 's3:ListBucket', Resource: [arn('corp-draft'), arn('corp-main')] },
    });
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ BUCKET_NAME: 'corp-main', DRAFT_BUCKET_NAME: 'corp-draft' }),
      },
    });
  });
});
