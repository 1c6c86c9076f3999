import type { IncomingHttpHeaders } from 'node:http';

/**
 * TransactWriteItems for dynalite, which implements only the single-item calls. The local
 * runtime serialises every request to its embedded DynamoDB (see embedded-dynamodb.ts), so
 * a transaction here runs alone: it applies its items one by one with their own conditions,
 * and on the first refusal restores every item it had written from the image read first.
 * Other requests never see a half-applied transaction. Like DynamoDB, a refused condition
 * cancels the whole transaction with TransactionCanceledException and one reason per item.
 */

/** One request to dynalite itself: the operation and its JSON body; answers status and JSON. */
export type DynamoCall = (
  operation: string,
  body: Record<string, unknown>,
) => Promise<{ status: number; json: Record<string, unknown> }>;

type Item = Record<string, unknown>;

interface TransactItem {
  readonly ConditionCheck?: Item;
  readonly Put?: Item;
  readonly Delete?: Item;
  readonly Update?: Item;
}

/** The parts of a transaction item that its single-item call takes as they are. */
const CONDITION_FIELDS = [
  'ConditionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
] as const;

const pick = (source: Item, fields: readonly string[]): Item =>
  Object.fromEntries(fields.filter((field) => field in source).map((f) => [f, source[f]]));

const keyOf = (item: Item, table: Item): Item => {
  const described = table as { KeySchema: { AttributeName: string }[] };
  return pick(
    item,
    described.KeySchema.map((key) => key.AttributeName),
  );
};

const validation = (message: string) => ({
  status: 400,
  json: { __type: 'com.amazon.coral.validate#ValidationException', message },
});

/** Runs one TransactWriteItems request through `call`; answers what DynamoDB would. */
export const transactWriteItems = async (
  request: { TransactItems?: TransactItem[] },
  call: DynamoCall,
  /** Key schemas by table, kept between calls (a table's keys never change). */
  tables: Map<string, Item> = new Map(),
): Promise<{ status: number; json: Record<string, unknown> }> => {
  const items = request.TransactItems ?? [];
  if (items.length < 1 || items.length > 100) {
    return validation('TransactItems must have between 1 and 100 items');
  }
  const steps: { kind: keyof TransactItem; spec: Item; key: Item; table: string }[] = [];
  for (const item of items) {
    const kinds = Object.keys(item) as (keyof TransactItem)[];
    if (kinds.length !== 1) return validation('Each TransactItem must name one operation');
    const kind = kinds[0]!;
    const spec = item[kind]!;
    const table = String(spec.TableName);
    if (!tables.has(table)) {
      const described = await call('DescribeTable', { TableName: table });
      if (described.status !== 200) return described;
      tables.set(table, described.json.Table as Item);
    }
    const key = kind === 'Put' ? keyOf(spec.Item as Item, tables.get(table)!) : (spec.Key as Item);
    steps.push({ kind, spec, key, table });
  }
  const identities = steps.map((step) => `${step.table}\u0000${JSON.stringify(step.key)}`);
  if (new Set(identities).size !== identities.length) {
    return validation('Transaction request cannot include multiple operations on one item');
  }

  // The images to restore: read before anything changes.
  const images = await Promise.all(
    steps.map((step) =>
      call('GetItem', { TableName: step.table, Key: step.key, ConsistentRead: true }),
    ),
  );
  const failed = images.find((got) => got.status !== 200);
  if (failed) return failed;
  const before = images.map((got) => got.json.Item as Item | undefined);

  const restore = async (count: number) => {
    for (let index = count - 1; index >= 0; index -= 1) {
      const { table, key, kind } = steps[index]!;
      if (kind === 'ConditionCheck') continue;
      const image = before[index];
      await (image
        ? call('PutItem', { TableName: table, Item: image })
        : call('DeleteItem', { TableName: table, Key: key }));
    }
  };

  for (const [index, step] of steps.entries()) {
    const { kind, spec, key, table } = step;
    const conditions = pick(spec, CONDITION_FIELDS);
    const image = before[index];
    const answer =
      kind === 'Put'
        ? await call('PutItem', { TableName: table, Item: spec.Item, ...conditions })
        : kind === 'Delete'
          ? await call('DeleteItem', { TableName: table, Key: key, ...conditions })
          : kind === 'Update'
            ? await call('UpdateItem', {
                TableName: table,
                Key: key,
                UpdateExpression: spec.UpdateExpression,
                ...conditions,
              })
            : // A condition alone: write the item back as it was, under the condition.
              await (image
                ? call('PutItem', { TableName: table, Item: image, ...conditions })
                : call('DeleteItem', { TableName: table, Key: key, ...conditions }));
    if (answer.status === 200) continue;
    await restore(index);
    const type = String(answer.json.__type ?? '');
    if (!type.endsWith('ConditionalCheckFailedException')) return answer;
    const reasons = steps.map((_, position) =>
      position === index
        ? {
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            ...(spec.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && image && { Item: image }),
          }
        : { Code: 'None' },
    );
    return {
      status: 400,
      json: {
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons: reasons,
      },
    };
  }
  return { status: 200, json: {} };
};

/** The headers that sign a request: forwarded as they are, since dynalite checks only their form. */
export const signingHeaders = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    ['authorization', 'x-amz-date', 'x-amz-security-token']
      .filter((name) => typeof headers[name] === 'string')
      .map((name) => [name, headers[name] as string]),
  );
