import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { USAGE_TABLE_KEY, USAGE_TABLE_TTL_ATTRIBUTE } from '../../lambdas/storage/usage-table.js';
import type { DraftStoreProps } from './props.js';

/**
 * The usage table (lambdas/storage/usage-table.ts describes its items): on demand, with
 * point-in-time recovery (the ledger is the only record of usage between reconciliations),
 * TTL on `expires_at` (rate-limit counters), and encrypted with the construct's key when it
 * has one, else with DynamoDB's AWS-managed key. A child of `scope` itself.
 */
export const createUsageTable = (scope: Construct, props: DraftStoreProps): dynamodb.Table =>
  new dynamodb.Table(scope, 'UsageTable', {
    partitionKey: { name: USAGE_TABLE_KEY.partition, type: dynamodb.AttributeType.STRING },
    sortKey: { name: USAGE_TABLE_KEY.sort, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: USAGE_TABLE_TTL_ATTRIBUTE,
    ...(props.encryptionKey
      ? {
          encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
          encryptionKey: props.encryptionKey,
        }
      : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
  });
