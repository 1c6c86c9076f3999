import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../../lambdas/config.js';
import { createDynamoDbClient } from '../../lambdas/storage/dynamodb-client.js';
import { ensureUsageTable } from '../../lambdas/storage/usage-table-setup.js';
import { startEmbeddedDynamoDb } from '../../local/embedded-dynamodb.js';

export interface TestUsageTable {
  /** http://127.0.0.1:port */
  readonly endpoint: string;
  readonly table: string;
  /** A client of it (closed by close()). */
  readonly client: DynamoDBClient;
  /** USAGE_TABLE and DYNAMODB_ENDPOINT, for loadConfig or a runtime's environment. */
  readonly env: { readonly USAGE_TABLE: string; readonly DYNAMODB_ENDPOINT: string };
  close(): Promise<void>;
}

/**
 * Starts dynalite (in memory, with the local runtime's TransactWriteItems) on a free loopback
 * port and creates the usage table in it.
 */
export const startTestUsageTable = async (
  table = 'draftstore-usage-test',
): Promise<TestUsageTable> => {
  const dynamo = await startEmbeddedDynamoDb({ host: '127.0.0.1', port: 0 });
  const env = { USAGE_TABLE: table, DYNAMODB_ENDPOINT: dynamo.endpoint };
  const client = createDynamoDbClient(loadConfig({ STORAGE_TYPE: 'minio', ...env }));
  await ensureUsageTable(client, table);
  let closed = false;
  return {
    endpoint: dynamo.endpoint,
    table,
    client,
    env,
    /** Stops it; a second call does nothing. */
    close: async () => {
      if (closed) return;
      closed = true;
      client.destroy();
      await dynamo.close();
    },
  };
};
