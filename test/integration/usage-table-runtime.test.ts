import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../../lambdas/config.js';
import { logger } from '../../lambdas/observability/logger.js';
import { startLocalRuntime, USAGE_TABLE_DIRECTORY } from '../../local/runtime.js';
import { withLocalUsageTable } from '../../local/usage-table-env.js';
import { startTestRuntime } from '../helpers/local-runtime.js';

/** `npm start` and the usage table: dynalite only when a setting needs it, its data kept. */
describe('the local runtime and the usage table', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('starts no DynamoDB and composes no usage table when nothing needs one', async () => {
    const runtime = await startTestRuntime();
    try {
      expect(runtime.services.usage).toBeUndefined();
      expect(runtime.embeddedDynamoDbEndpoint).toBeUndefined();
      expect(existsSync(join(runtime.dataDirectory, USAGE_TABLE_DIRECTORY))).toBe(false);
    } finally {
      await runtime.stop();
    }
  });

  it('keeps the table under the data folder, so what it holds survives a restart', async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), 'draftstore-usage-'));
    const start = () =>
      startLocalRuntime({
        config: loadConfig(
          withLocalUsageTable({
            STORAGE_TYPE: 'minio',
            MINIO_ENDPOINT: '127.0.0.1:0',
            HTTP_PORT: '0',
            GRPC_PORT: '0',
            QUOTA_BYTES: '1000',
          }),
        ),
        embeddedStore: true,
        dataDirectory,
        cleanupIntervalMs: 0,
      });
    const key = { pk: { S: 'owner#restart' }, sk: { S: 'usage' } };
    try {
      const first = await start();
      expect(first.embeddedDynamoDbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { client, table } = first.services.usage!.table;
      expect(table).toBe('draftstore-usage');
      await client.send(
        new PutItemCommand({ TableName: table, Item: { ...key, bytes: { N: '42' } } }),
      );
      await first.stop();

      const second = await start();
      try {
        const { client: again } = second.services.usage!.table;
        const { Item } = await again.send(new GetItemCommand({ TableName: table, Key: key }));
        expect(Item?.bytes).toEqual({ N: '42' });
        expect(existsSync(join(dataDirectory, USAGE_TABLE_DIRECTORY))).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDirectory, { recursive: true, force: true });
    }
  });
});
