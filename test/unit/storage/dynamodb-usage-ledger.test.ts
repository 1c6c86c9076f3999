import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DraftError } from '../../../lambdas/core/errors.js';
import { DynamoDbUsageLedger } from '../../../lambdas/storage/dynamodb-usage-ledger.js';

/** The adapter's fault paths; its behaviour against a real DynamoDB API is in test/conformance/quotas.test.ts. */
describe('DynamoDbUsageLedger', () => {
  const dynamo = mockClient(DynamoDBClient);
  const ledger = new DynamoDbUsageLedger(new DynamoDBClient({}), 'usage', () => new Date(0));
  const quota = { bytes: 1000, objects: 10 };
  const change = { name: 'a.bin', from: undefined, to: { size: 300, etag: 'e1' } };

  beforeEach(() => dynamo.reset());

  it('turns throttling the SDK could not retry away into storage_unavailable', async () => {
    dynamo
      .on(GetItemCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    const failure = await ledger.usage('alice').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DraftError);
    expect((failure as DraftError).code).toBe('storage_unavailable');
    expect((failure as DraftError).message).not.toContain('slow down');
  });

  it('writes the record and the usage in one transaction, the quota as `bytes <= quota - size`', async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});

    expect(await ledger.change('alice', change, quota)).toBe('applied');

    const [call] = dynamo.commandCalls(TransactWriteItemsCommand);
    const [record, usage] = call!.args[0].input.TransactItems!;
    expect(record!.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(record!.Put!.Item).toMatchObject({ size: { N: '300' }, etag: { S: 'e1' } });
    expect(usage!.Update!.ExpressionAttributeValues).toMatchObject({
      ':bytes': { N: '300' },
      ':objects': { N: '1' },
      ':maxBytes': { N: '700' },
      ':maxObjects': { N: '9' },
    });
  });

  it('tells a stale record from a full quota by the cancellation reasons', async () => {
    const cancelled = (codes: string[]) =>
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: codes.map((Code) => ({ Code })),
      });
    dynamo
      .on(TransactWriteItemsCommand)
      .rejectsOnce(cancelled(['ConditionalCheckFailed', 'None']))
      .rejectsOnce(cancelled(['None', 'ConditionalCheckFailed']))
      .rejectsOnce(cancelled(['ThrottlingError', 'None']));

    expect(await ledger.change('alice', change, quota)).toBe('stale');
    expect(await ledger.change('alice', change, quota)).toBe('over_quota');
    await expect(ledger.change('alice', change, quota)).rejects.toMatchObject({
      code: 'storage_unavailable',
    });
  });

  it('refuses without a request what can never fit, and never conditions a shrink', async () => {
    dynamo.on(TransactWriteItemsCommand).resolves({});

    expect(await ledger.change('alice', { ...change, to: { size: 1001, etag: 'e2' } }, quota)).toBe(
      'over_quota',
    );
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);

    const shrink = {
      name: 'a.bin',
      from: { size: 900, etag: 'e1', updatedAt: new Date(0) },
      to: { size: 10, etag: 'e2' },
    };
    expect(await ledger.change('alice', shrink, { bytes: 0, objects: 0 })).toBe('applied');
    const [call] = dynamo.commandCalls(TransactWriteItemsCommand);
    expect(call!.args[0].input.TransactItems![1]!.Update!.ConditionExpression).toBeUndefined();
  });
});
