import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from './config.js';
import type { UsageLedger } from './core/usage-ledger.js';
import { createDynamoDbClient } from './storage/dynamodb-client.js';
import { DynamoDbUsageLedger } from './storage/dynamodb-usage-ledger.js';

/** The usage table, as every part that keeps state in it reaches it. */
export interface UsageTableAccess {
  readonly client: DynamoDBClient;
  /** USAGE_TABLE */
  readonly table: string;
}

/** What lives in the usage table (lambdas/storage/usage-table.ts describes its items). */
export interface UsageParts {
  readonly table: UsageTableAccess;
  /** Per-owner usage, records and quota overrides. */
  readonly ledger: UsageLedger;
}

/**
 * Builds the parts that live in the usage table, or nothing when no USAGE_TABLE is set. Only
 * the functions that use the table pass this to composeServices (ComposeOptions.usage), so
 * the DynamoDB client stays out of the other bundles.
 */
export const composeUsage = (config: Config): UsageParts | undefined => {
  const table = config.usage.table;
  if (table === undefined) return undefined;
  const client = createDynamoDbClient(config);
  return { table: { client, table }, ledger: new DynamoDbUsageLedger(client, table) };
};
