import {
  GetItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startTestUsageTable, type TestUsageTable } from '../helpers/dynalite.js';

/** The embedded DynamoDB (dynalite plus TransactWriteItems) that the local runtime and the tests use. */
describe('embedded DynamoDB', () => {
  let dynamo: TestUsageTable;
  beforeAll(async () => {
    dynamo = await startTestUsageTable();
  });
  afterAll(() => dynamo.close());

  const key = (sk: string) => ({ pk: { S: 'owner#tx' }, sk: { S: sk } });
  const counter = (sk: string) =>
    dynamo.client
      .send(new GetItemCommand({ TableName: dynamo.table, Key: key(sk), ConsistentRead: true }))
      .then(({ Item }) => (Item?.n?.N === undefined ? undefined : Number(Item.n.N)));
  const addUpTo = (sk: string, limit: number) => {
    const input = {
      TableName: dynamo.table,
      Key: key(sk),
      UpdateExpression: 'ADD n :one',
      ConditionExpression: 'attribute_not_exists(n) OR n < :limit',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':limit': { N: String(limit) } },
    };
    return Object.assign(new UpdateItemCommand(input), { input });
  };

  it('applies every item of a transaction whose conditions hold', async () => {
    const { input: a } = addUpTo('a', 5);
    const { input: b } = addUpTo('b', 5);
    await dynamo.client.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Update: a }, { Update: b }] }),
    );
    expect([await counter('a'), await counter('b')]).toEqual([1, 1]);
  });

  it('applies none when one condition fails, naming the item that failed', async () => {
    await dynamo.client.send(addUpTo('full', 1));
    const { input: first } = addUpTo('c', 5);
    const { input: second } = addUpTo('full', 1);
    const refusal = await dynamo.client
      .send(
        new TransactWriteItemsCommand({ TransactItems: [{ Update: first }, { Update: second }] }),
      )
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(TransactionCanceledException);
    expect(
      (refusal as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code),
    ).toEqual(['None', 'ConditionalCheckFailed']);
    expect([await counter('c'), await counter('full')]).toEqual([undefined, 1]);
  });

  it('keeps a limit exact under 40 parallel transactions', async () => {
    const attempts = Array.from({ length: 40 }, (_, index) =>
      dynamo.client
        .send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Update: addUpTo('shared', 15).input },
              {
                Put: { TableName: dynamo.table, Item: { ...key(`item#${index}`), n: { N: '0' } } },
              },
            ],
          }),
        )
        .then(
          () => true,
          () => false,
        ),
    );
    const admitted = (await Promise.all(attempts)).filter(Boolean).length;
    expect(admitted).toBe(15);
    expect(await counter('shared')).toBe(15);
  });

  it('refuses two operations on one item, as DynamoDB does', async () => {
    const { input } = addUpTo('d', 5);
    await expect(
      dynamo.client.send(
        new TransactWriteItemsCommand({ TransactItems: [{ Update: input }, { Update: input }] }),
      ),
    ).rejects.toThrow(/multiple operations on one item/);
  });
});
