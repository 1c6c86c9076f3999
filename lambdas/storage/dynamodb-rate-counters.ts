import {
  ConditionalCheckFailedException,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { RateCounters } from '../core/rate-limiter.js';
import type { RateWindow } from '../core/rate-window.js';
import { usageTableError } from './dynamodb-errors.js';
import {
  addressPartition,
  ownerPartition,
  rateSortKey,
  USAGE_TABLE_KEY,
  USAGE_TABLE_TTL_ATTRIBUTE,
} from './usage-table.js';

/** The usage table, as the counters reach it. */
export interface RateCounterTable {
  readonly client: DynamoDBClient;
  readonly table: string;
}

/**
 * The rate-limit counters in the usage table: one item per caller, class and minute
 * (lambdas/storage/usage-table.ts), and exactly one request per counted call, a conditional
 * UpdateItem. DynamoDB applies it atomically: it adds one only while the count is below the
 * limit, so concurrent calls can never both take the last place; a refused call changes
 * nothing. Items expire (TTL) when their minute ends; they are never read again after it.
 *
 * The SDK retries throttling and network failures; a retried write that had landed counts
 * twice, which can only refuse early, never admit more than the limit.
 */
export class DynamoDbRateCounters implements RateCounters {
  constructor(private readonly usageTable: RateCounterTable) {}

  async take(window: RateWindow, limit: number): Promise<boolean> {
    const partition =
      'owner' in window.subject
        ? ownerPartition(window.subject.owner)
        : addressPartition(window.subject.address);
    try {
      await this.usageTable.client.send(
        new UpdateItemCommand({
          TableName: this.usageTable.table,
          Key: {
            [USAGE_TABLE_KEY.partition]: { S: partition },
            [USAGE_TABLE_KEY.sort]: { S: rateSortKey(window.rateClass, window.start) },
          },
          UpdateExpression: 'ADD #count :one SET #expires = :expires',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count', '#expires': USAGE_TABLE_TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':limit': { N: String(limit) },
            ':expires': { N: String(window.end) },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw usageTableError(error, 'rate limit');
    }
  }
}
