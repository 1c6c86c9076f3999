import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/** What one function may do in the usage table. Each entry becomes one exact IAM statement. */
export interface UsageTableAccess {
  /** dynamodb:GetItem: an owner's usage, limits and object records. */
  readonly read?: true;
  /**
   * The writes of a ledger transaction (TransactWriteItems is authorised item by item):
   * dynamodb:PutItem, UpdateItem, DeleteItem and ConditionCheckItem.
   */
  readonly write?: true;
  /** dynamodb:Query of one owner's partition (reconciliation) and dynamodb:Scan of owners. */
  readonly query?: true;
  /** dynamodb:UpdateItem alone: a rate-limit counter's conditional update. */
  readonly count?: true;
}

/**
 * Adds one exact statement per kind of access to `role`, on the table alone (no indexes
 * exist). With a customer-managed key, reads get kms:Decrypt and writes a data key too.
 */
export const grantUsageTable = (
  role: iam.Role,
  table: dynamodb.Table,
  access: UsageTableAccess,
): void => {
  const add = (sid: string, actions: string[]) =>
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid, actions, resources: [table.tableArn] }),
    );
  if (access.read) add('ReadUsage', ['dynamodb:GetItem']);
  if (access.write) {
    add('WriteUsage', [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:ConditionCheckItem',
    ]);
  }
  if (access.query) add('QueryUsage', ['dynamodb:Query', 'dynamodb:Scan']);
  if (access.count) add('CountRequests', ['dynamodb:UpdateItem']);
  const key = table.encryptionKey;
  if (!key) return;
  const writes = access.write || access.count;
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'UsageTableKey',
      actions: ['kms:Decrypt', 'kms:DescribeKey', ...(writes ? ['kms:GenerateDataKey'] : [])],
      resources: [key.keyArn],
    }),
  );
};
