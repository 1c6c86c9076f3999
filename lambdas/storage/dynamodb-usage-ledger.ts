import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { DraftError } from '../core/errors.js';
import type {
  ChangeOutcome,
  LedgerRecord,
  Quota,
  QuotaOverrides,
  RecordChange,
  Usage,
  UsageLedger,
} from '../core/usage-ledger.js';
import {
  LIMIT_SORT_KEY,
  OBJECT_SORT_PREFIX,
  objectSortKey,
  ownerPartition,
  USAGE_SORT_KEY,
} from './usage-table.js';

type Item = Record<string, AttributeValue>;

const OWNER_PREFIX = ownerPartition('');
/** Attribute names go through placeholders: DynamoDB reserves words like OBJECTS. */
const USAGE_NAMES = { '#bytes': 'bytes', '#objects': 'objects' };

const key = (owner: string, sort: string): Item => ({
  pk: { S: ownerPartition(owner) },
  sk: { S: sort },
});

const numberOf = (value: AttributeValue | undefined): number =>
  value?.N === undefined ? 0 : Number(value.N);

const overrideOf = (value: AttributeValue | undefined): number | null | undefined =>
  value === undefined ? undefined : value.NULL ? null : Number(value.N);

const recordOf = (item: Item): LedgerRecord => ({
  size: numberOf(item.size),
  etag: item.etag?.S ?? '',
  updatedAt: new Date(numberOf(item.updated_at)),
});

const unavailable = (cause: unknown): DraftError =>
  new DraftError('storage_unavailable', 'The usage ledger is unavailable; try again.', { cause });

/**
 * The usage ledger in the usage table (see usage-table.ts for its items). Every change is one
 * TransactWriteItems: the record's put or delete, conditioned on the record being what the
 * caller read, and the usage's ADD, conditioned on the quota. Anything but a refused
 * condition (DynamoDB down, throttled past the SDK's retries) is `storage_unavailable`.
 */
export class DynamoDbUsageLedger implements UsageLedger {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #clock: () => Date;

  constructor(client: DynamoDBClient, table: string, clock: () => Date = () => new Date()) {
    this.#client = client;
    this.#table = table;
    this.#clock = clock;
  }

  async #get(item: Item): Promise<Item | undefined> {
    try {
      const { Item } = await this.#client.send(
        new GetItemCommand({ TableName: this.#table, Key: item, ConsistentRead: true }),
      );
      return Item;
    } catch (error) {
      throw unavailable(error);
    }
  }

  async usage(owner: string): Promise<Usage> {
    const item = await this.#get(key(owner, USAGE_SORT_KEY));
    return { bytes: numberOf(item?.bytes), objects: numberOf(item?.objects) };
  }

  async overrides(owner: string): Promise<QuotaOverrides> {
    const item = await this.#get(key(owner, LIMIT_SORT_KEY));
    const bytes = overrideOf(item?.bytes);
    const objects = overrideOf(item?.objects);
    return { ...(bytes !== undefined && { bytes }), ...(objects !== undefined && { objects }) };
  }

  async setOverrides(owner: string, overrides: QuotaOverrides): Promise<void> {
    const value = (limit: number | null): AttributeValue =>
      limit === null ? { NULL: true } : { N: String(limit) };
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ...key(owner, LIMIT_SORT_KEY),
            ...(overrides.bytes !== undefined && { bytes: value(overrides.bytes) }),
            ...(overrides.objects !== undefined && { objects: value(overrides.objects) }),
          },
        }),
      );
    } catch (error) {
      throw unavailable(error);
    }
  }

  async record(owner: string, name: string): Promise<LedgerRecord | undefined> {
    const item = await this.#get(key(owner, objectSortKey(name)));
    return item && recordOf(item);
  }

  async change(owner: string, change: RecordChange, quota?: Quota): Promise<ChangeOutcome> {
    const { from, to } = change;
    if (from === undefined && to === undefined) return 'applied';
    const bytes = (to?.size ?? 0) - (from?.size ?? 0);
    const objects = (to ? 1 : 0) - (from ? 1 : 0);
    const values: Item = { ':bytes': { N: String(bytes) }, ':objects': { N: String(objects) } };
    const conditions: string[] = [];
    // DynamoDB conditions cannot add, so `bytes + delta <= quota` is `bytes <= quota - delta`.
    if (quota?.bytes != null && bytes > 0) {
      if (bytes > quota.bytes) return 'over_quota';
      values[':maxBytes'] = { N: String(quota.bytes - bytes) };
      conditions.push('(attribute_not_exists(#bytes) OR #bytes <= :maxBytes)');
    }
    if (quota?.objects != null && objects > 0) {
      if (objects > quota.objects) return 'over_quota';
      values[':maxObjects'] = { N: String(quota.objects - objects) };
      conditions.push('(attribute_not_exists(#objects) OR #objects <= :maxObjects)');
    }
    const recordKey = key(owner, objectSortKey(change.name));
    const unchanged = from
      ? {
          ConditionExpression: 'etag = :etag AND #size = :size',
          ExpressionAttributeNames: { '#size': 'size' },
          ExpressionAttributeValues: {
            ':etag': { S: from.etag },
            ':size': { N: String(from.size) },
          },
        }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    const recordWrite: TransactWriteItem = to
      ? {
          Put: {
            TableName: this.#table,
            Item: {
              ...recordKey,
              size: { N: String(to.size) },
              etag: { S: to.etag },
              updated_at: { N: String(this.#clock().getTime()) },
            },
            ...unchanged,
          },
        }
      : { Delete: { TableName: this.#table, Key: recordKey, ...unchanged } };
    const usageWrite: TransactWriteItem = {
      Update: {
        TableName: this.#table,
        Key: key(owner, USAGE_SORT_KEY),
        UpdateExpression: 'ADD #bytes :bytes, #objects :objects',
        ExpressionAttributeNames: USAGE_NAMES,
        ExpressionAttributeValues: values,
        ...(conditions.length > 0 && { ConditionExpression: conditions.join(' AND ') }),
      },
    };
    try {
      await this.#client.send(
        new TransactWriteItemsCommand({ TransactItems: [recordWrite, usageWrite] }),
      );
      return 'applied';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw unavailable(error);
      const [record, usage] = (error.CancellationReasons ?? []).map((reason) => reason.Code);
      if (record === 'ConditionalCheckFailed') return 'stale';
      if (usage === 'ConditionalCheckFailed') return 'over_quota';
      // TransactionConflict (another transaction on the same items) and throttling.
      if (record === 'TransactionConflict' || usage === 'TransactionConflict') return 'stale';
      throw unavailable(error);
    }
  }

  async adjust(owner: string, delta: Usage): Promise<void> {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: key(owner, USAGE_SORT_KEY),
          UpdateExpression: 'ADD #bytes :bytes, #objects :objects',
          ExpressionAttributeNames: USAGE_NAMES,
          ExpressionAttributeValues: {
            ':bytes': { N: String(delta.bytes) },
            ':objects': { N: String(delta.objects) },
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw unavailable(error);
    }
  }

  async *records(owner: string): AsyncIterable<readonly (LedgerRecord & { name: string })[]> {
    let start: Item | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: {
              ':pk': { S: ownerPartition(owner) },
              ':prefix': { S: OBJECT_SORT_PREFIX },
            },
            ConsistentRead: true,
            Limit: 500,
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
      } catch (error) {
        throw unavailable(error);
      }
      yield (page.Items ?? []).map((item) => ({
        name: (item.sk?.S ?? '').slice(OBJECT_SORT_PREFIX.length),
        ...recordOf(item),
      }));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }

  async recordsOf(
    owner: string,
    names: readonly string[],
  ): Promise<ReadonlyMap<string, LedgerRecord>> {
    const found = new Map<string, LedgerRecord>();
    let keys: Item[] = [...new Set(names)].map((name) => key(owner, objectSortKey(name)));
    while (keys.length > 0) {
      let answer;
      try {
        answer = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#table]: { Keys: keys, ConsistentRead: true } },
          }),
        );
      } catch (error) {
        throw unavailable(error);
      }
      for (const item of answer.Responses?.[this.#table] ?? []) {
        found.set((item.sk?.S ?? '').slice(OBJECT_SORT_PREFIX.length), recordOf(item));
      }
      keys = answer.UnprocessedKeys?.[this.#table]?.Keys ?? [];
    }
    return found;
  }

  async *owners(): AsyncIterable<readonly string[]> {
    let start: Item | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(
          new ScanCommand({
            TableName: this.#table,
            FilterExpression: 'sk = :usage AND begins_with(pk, :owner)',
            ExpressionAttributeValues: {
              ':usage': { S: USAGE_SORT_KEY },
              ':owner': { S: OWNER_PREFIX },
            },
            ...(start && { ExclusiveStartKey: start }),
          }),
        );
      } catch (error) {
        throw unavailable(error);
      }
      yield (page.Items ?? []).map((item) => (item.pk?.S ?? '').slice(OWNER_PREFIX.length));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }
}
