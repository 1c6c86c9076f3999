import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { composeServices } from '../../../lambdas/compose.js';
import { composeUsage } from '../../../lambdas/compose-usage.js';
import { loadConfig } from '../../../lambdas/config.js';
import { rateWindowAt } from '../../../lambdas/core/rate-window.js';
import { createUploadUrlHandler } from '../../../lambdas/http/upload-url.js';
import { DynamoDbRateCounters } from '../../../lambdas/storage/dynamodb-rate-counters.js';
import { httpApiEvent } from '../../helpers/lambda-events.js';
import { draftFailure, networkError } from '../../helpers/s3-faults.js';

/** A DynamoDB error response as the SDK raises it; its message names the table, which must not leak. */
const dynamoError = (name: string, status: number): DynamoDBServiceException =>
  new DynamoDBServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} on table secret-usage-table`,
  });

const NOW = new Date('2026-12-07T21:30:10Z');
const MINUTE = Date.parse('2026-12-07T21:30:00Z') / 1000;

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

describe('DynamoDbRateCounters', () => {
  const counters = new DynamoDbRateCounters({
    client: new DynamoDBClient({ region: 'us-east-1' }),
    table: 'secret-usage-table',
  });
  const aliceWrites = rateWindowAt('write', { owner: 'alice' }, NOW);

  it('counts with one conditional UpdateItem on the item of the caller, class and minute', async () => {
    // prepare
    dynamo.on(UpdateItemCommand).resolves({});

    // act
    const admitted = await counters.take(aliceWrites, 60);

    // assess
    expect(admitted).toBe(true);
    expect(dynamo.calls()).toHaveLength(1);
    expect(dynamo.commandCalls(UpdateItemCommand)[0]!.args[0].input).toEqual({
      TableName: 'secret-usage-table',
      Key: { pk: { S: 'owner#alice' }, sk: { S: `rate#write#${MINUTE}` } },
      UpdateExpression: 'ADD #count :one SET #expires = :expires',
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
      ExpressionAttributeNames: { '#count': 'count', '#expires': 'expires_at' },
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':limit': { N: '60' },
        ':expires': { N: String(MINUTE + 60) },
      },
    });
  });

  it('keeps an anonymous caller under its address', async () => {
    dynamo.on(UpdateItemCommand).resolves({});

    await counters.take(rateWindowAt('read', { address: '203.0.113.7' }, NOW), 5);

    expect(dynamo.commandCalls(UpdateItemCommand)[0]!.args[0].input.Key).toEqual({
      pk: { S: 'ip#203.0.113.7' },
      sk: { S: `rate#read#${MINUTE}` },
    });
  });

  it('answers false, refusing, when the condition fails (the count is at the limit)', async () => {
    dynamo.on(UpdateItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
      }),
    );

    await expect(counters.take(aliceWrites, 60)).resolves.toBe(false);
  });

  it.each([
    [
      'throttled (ProvisionedThroughputExceededException)',
      dynamoError('ProvisionedThroughputExceededException', 400),
    ],
    ['throttled (ThrottlingException)', dynamoError('ThrottlingException', 400)],
    [
      'over the account request limit (RequestLimitExceeded)',
      dynamoError('RequestLimitExceeded', 400),
    ],
    ['failing (InternalServerError)', dynamoError('InternalServerError', 500)],
    ['unavailable (503)', dynamoError('ServiceUnavailable', 503)],
    ['unreachable (ECONNREFUSED)', networkError('ECONNREFUSED')],
    ['refusing our credentials (403)', dynamoError('UnrecognizedClientException', 403)],
  ])(
    'reports a table that is %s as storage_unavailable, naming no table',
    async (_label, fault) => {
      dynamo.on(UpdateItemCommand).rejects(fault);

      const error = await draftFailure(counters.take(aliceWrites, 60));

      expect(error.code).toBe('storage_unavailable');
      expect(error.message).toBe('Storage is unavailable (rate limit); try again.');
      expect(error.message).not.toMatch(/secret-usage-table/);
      expect(error.cause).toBe(fault);
    },
  );

  it('reports a missing table (a deployment mistake) as internal', async () => {
    dynamo.on(UpdateItemCommand).rejects(dynamoError('ResourceNotFoundException', 400));

    expect((await draftFailure(counters.take(aliceWrites, 60))).code).toBe('internal');
  });
});

describe('a rate-limited route when the usage table is down', () => {
  it('answers 503 storage_unavailable and presigns nothing', async () => {
    // prepare: the composition a Lambda uses, with the table throttling
    dynamo.on(UpdateItemCommand).rejects(dynamoError('ThrottlingException', 400));
    const config = loadConfig({
      STORAGE_TYPE: 'minio',
      MINIO_ENDPOINT: '127.0.0.1:9',
      USAGE_TABLE: 'secret-usage-table',
      RATE_LIMIT_PER_MINUTE: '60',
    });
    const services = composeServices(config, { usage: composeUsage, clock: () => NOW });
    const handler = createUploadUrlHandler(() => services);

    // act
    const response = await handler(
      httpApiEvent('POST', '/api/v1/upload-url', { object_name: 'a.txt' }),
      { functionName: 'upload-url', getRemainingTimeInMillis: () => 10_000 } as unknown as Context,
    );

    // assess
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body as string)).toEqual({
      error: {
        code: 'storage_unavailable',
        message: 'Storage is unavailable (rate limit); try again.',
      },
    });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(1);
    services.client.destroy();
  });
});
