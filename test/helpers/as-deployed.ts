import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  logicalIdAt,
  resolveEnvironment,
  type DeployedFunction,
  type Template,
} from './cdk-out.js';

/** An S3 server on this machine that stands in for AWS S3. */
export interface LoopbackStore {
  /** `http://127.0.0.1:<port>`: an IP address, so the SDK addresses buckets by path. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  /** A DynamoDB-compatible endpoint (dynalite) for the usage table, as DYNAMODB_ENDPOINT. */
  readonly dynamoDbEndpoint?: string;
}

/**
 * What a function needs besides its template environment to reach a loopback store instead
 * of AWS, and nothing more: the region and credentials Lambda itself would set (from the
 * function's role), and AWS_ENDPOINT_URL_S3, which the SDK's default configuration reads.
 * The functions keep STORAGE_TYPE=s3, the AWS code path.
 */
export const loopbackEnvironment = (store: LoopbackStore): Record<string, string> => ({
  AWS_REGION: store.region,
  AWS_ACCESS_KEY_ID: store.accessKey,
  AWS_SECRET_ACCESS_KEY: store.secretKey,
  AWS_ENDPOINT_URL_S3: store.endpoint,
  ...(store.dynamoDbEndpoint !== undefined && { DYNAMODB_ENDPOINT: store.dynamoDbEndpoint }),
});

/** The stack's buckets and secret, as they exist here. */
export interface Deployment {
  readonly mainBucket: string;
  readonly draftBucket: string;
  /**
   * The upload token secret's ARN (its Ref). Only the multipart calls read it, and only on
   * first use; nothing here makes one.
   * @default an ARN naming no real secret
   */
  readonly uploadTokenSecretArn?: string;
  /**
   * The usage table's name (its Ref), in the store's `dynamoDbEndpoint`.
   * @default USAGE_TABLE_FOR_TESTS
   */
  readonly usageTable?: string;
}

/** The usage table a loopback deployment names unless told otherwise. */
export const USAGE_TABLE_FOR_TESTS = 'draftstore-usage';

/** Logical id → physical name for the resources the functions' environments refer to. */
export const physicalIds = (template: Template, deployment: Deployment) => ({
  [logicalIdAt(template, '/MainBucket/Resource')]: deployment.mainBucket,
  [logicalIdAt(template, '/DraftBucket/Resource')]: deployment.draftBucket,
  [logicalIdAt(template, '/UploadTokenSecret/Resource')]:
    deployment.uploadTokenSecretArn ??
    'arn:aws:secretsmanager:us-east-1:000000000000:secret:draftstore-upload-token-unused',
  [logicalIdAt(template, '/UsageTable/Resource')]: deployment.usageTable ?? USAGE_TABLE_FOR_TESTS,
});

/**
 * A function's whole process environment: exactly its template variables (references
 * resolved), the loopback variables, and `overrides`, which a test uses only where it must
 * and says why. The loopback variables never replace a template variable.
 */
export const deployedEnvironment = (
  fn: DeployedFunction,
  physical: Readonly<Record<string, string>>,
  store: LoopbackStore,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> => {
  const template = resolveEnvironment(fn, physical);
  const loopback = loopbackEnvironment(store);
  const clash = Object.keys(loopback).filter((name) => name in template);
  if (clash.length > 0) throw new Error(`${fn.name}'s template sets ${clash.join(', ')}`);
  return { ...template, ...loopback, ...overrides };
};

/** A function's HTTP answer (API Gateway v2 or function URL), body decoded. */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly json: () => unknown;
}

export const httpAnswer = (result: APIGatewayProxyStructuredResultV2): HttpAnswer => {
  const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
  return {
    statusCode: result.statusCode ?? 200,
    headers: Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), `${value}`]),
    ),
    body,
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
};
