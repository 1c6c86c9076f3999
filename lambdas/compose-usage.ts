import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from './config.js';
import type { RateCounters } from './core/rate-limiter.js';
import type { UsageLedger } from './core/usage-ledger.js';
import { createDynamoDbClient } from './storage/dynamodb-client.js';
import { DynamoDbRateCounters } from './storage/dynamodb-rate-counters.js';
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
  /** The rate limits' counters (used only when RATE_LIMIT_PER_MINUTE or READ_RATE_LIMIT_PER_MINUTE is set). */
  readonly rateCounters: RateCounters;
}

/**
 * Builds the parts that live in the usage table, or nothing when no USAGE_TABLE is set. Only
 * the functions that use the table pass this to composeServices (ComposeOptions.usage), so
 * the DynamoDB client stays out of the other bundles.
 */
export const composeUsage = (config: Config): UsageParts | undefined => {
  const table = config.usage.table;
  if (table === undefined) return undefined;
  const access = { client: createDynamoDbClient(config), table };
  return {
    table: access,
    ledger: new DynamoDbUsageLedger(access.client, table),
    rateCounters: new DynamoDbRateCounters(access),
  };
};
