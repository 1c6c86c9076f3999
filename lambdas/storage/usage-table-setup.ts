import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { USAGE_TABLE_KEY, USAGE_TABLE_TTL_ATTRIBUTE } from './usage-table.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates the usage table on a DynamoDB-compatible endpoint (dynalite) when it is missing,
 * and waits until it is ACTIVE. In AWS the CDK stack owns the table (lib/draftstore/usage-table.ts);
 * only the local runtime and the tests call this.
 */
export const ensureUsageTable = async (client: DynamoDBClient, table: string): Promise<void> => {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: USAGE_TABLE_KEY.partition, AttributeType: 'S' },
          { AttributeName: USAGE_TABLE_KEY.sort, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: USAGE_TABLE_KEY.partition, KeyType: 'HASH' },
          { AttributeName: USAGE_TABLE_KEY.sort, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; ; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') break;
    if (attempt >= 100) throw new Error(`The usage table ${table} did not become ACTIVE.`);
    await sleep(50);
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: USAGE_TABLE_TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch {
    // Endpoints without TTL (dynalite) keep expired items: readers check `expires_at` anyway.
  }
};
