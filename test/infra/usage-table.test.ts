import { Match } from 'aws-cdk-lib/assertions';
import { synth, type Synthesized } from './synth.js';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

/** The usage-table statements of one function's role, as sid → actions. */
const usageGrantsOf = ({ template }: Synthesized, fn: string): Record<string, string[]> => {
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
    id.startsWith(`DraftStore${fn}RoleDefaultPolicy`),
  );
  expect(policies).toHaveLength(1);
  const statements = policies[0]![1].Properties.PolicyDocument.Statement as Statement[];
  return Object.fromEntries(
    statements
      .filter(
        (statement) =>
          [statement.Action].flat().every((action) => action.startsWith('dynamodb:')) ||
          statement.Sid === 'UsageTableKey',
      )
      .map((statement) => [statement.Sid, [statement.Action].flat()]),
  );
};

describe('the usage table', () => {
  let synthesized: Synthesized;
  let tableArn: unknown;
  beforeAll(() => {
    synthesized = synth();
    const [id] = Object.keys(synthesized.template.findResources('AWS::DynamoDB::Table'));
    tableArn = { 'Fn::GetAtt': [id, 'Arn'] };
  });

  it('is one on-demand table keyed by pk/sk, with point-in-time recovery, TTL and encryption', () => {
    synthesized.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    synthesized.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('is kept when it leaves the stack, like the buckets', () => {
    synthesized.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('is encrypted with the construct key when there is one', () => {
    const withKey = synth({ kms: 'true' });
    withKey.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
    expect(usageGrantsOf(withKey, 'ConfirmUpload').UsageTableKey).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:GenerateDataKey',
    ]);
    expect(usageGrantsOf(withKey, 'UploadUrl').UsageTableKey).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
    ]);
  });

  it('lets confirm, delete and connect keep the ledger, on the table alone', () => {
    for (const fn of ['ConfirmUpload', 'CompatConfirm', 'DeleteObject', 'Connect']) {
      expect(usageGrantsOf(synthesized, fn)).toEqual({
        ReadUsage: ['dynamodb:GetItem'],
        WriteUsage: [
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:ConditionCheckItem',
        ],
      });
    }
    const statements = Object.values(synthesized.template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((statement) => [statement.Action].flat().some((a) => a.startsWith('dynamodb:')));
    for (const statement of statements) expect(statement.Resource).toEqual(tableArn);
  });

  it('lets the uploads that refuse early only read usage', () => {
    for (const fn of ['UploadUrl', 'UploadForm', 'CompatUploadUrl', 'MultipartCreate', 'Usage']) {
      expect(usageGrantsOf(synthesized, fn)).toEqual({ ReadUsage: ['dynamodb:GetItem'] });
    }
  });

  it('gives the functions that never touch usage no access to it', () => {
    for (const fn of ['DownloadUrl', 'ObjectInfo', 'Health', 'MultipartListParts']) {
      expect(usageGrantsOf(synthesized, fn)).toEqual({});
    }
  });

  it('reconciles weekly with a function that may read main and query and correct the ledger', () => {
    expect(usageGrantsOf(synthesized, 'ReconcileUsage')).toEqual({
      ReadUsage: ['dynamodb:GetItem'],
      WriteUsage: [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:ConditionCheckItem',
      ],
      QueryUsage: ['dynamodb:Query', 'dynamodb:Scan'],
    });
    const [reconcileId] = Object.keys(
      synthesized.template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('reconciliation of per-owner usage') },
      }),
    );
    synthesized.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(7 days)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconcileId, 'Arn'] } })],
    });
  });

  it('tells every function the table name, and the default quotas when set', () => {
    const limited = synth({}, { draftStore: { quotaBytes: 1024, quotaObjects: 10 } });
    limited.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          USAGE_TABLE: { Ref: Match.anyValue() },
          QUOTA_BYTES: '1024',
          QUOTA_OBJECTS: '10',
        }),
      },
    });
  });
});
