import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// P2's fair anchor for a function whose first invoke must reach the store (`npm run bench`):
// the same S3 requests, made with a plain S3Client configured as the functions configure
// theirs, then the presigned URL a function answers with. Never deployed.
const client = new S3Client({
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

const COMMANDS = {
  HeadBucket: HeadBucketCommand,
  HeadObject: HeadObjectCommand,
  GetObject: GetObjectCommand,
  GetObjectTagging: GetObjectTaggingCommand,
  ListObjectsV2: ListObjectsV2Command,
  ListMultipartUploads: ListMultipartUploadsCommand,
  CopyObject: CopyObjectCommand,
  DeleteObject: DeleteObjectCommand,
  CreateMultipartUpload: CreateMultipartUploadCommand,
  ListParts: ListPartsCommand,
  CompleteMultipartUpload: CompleteMultipartUploadCommand,
  AbortMultipartUpload: AbortMultipartUploadCommand,
} as const;

export type StoreOperation = keyof typeof COMMANDS;

/** One S3 request: the operation and its input, as the plain client takes it. */
export interface StoreStep {
  readonly op: StoreOperation;
  readonly input: Record<string, unknown>;
}

export interface StoreAnchorEvent {
  /** Requests sent together (in parallel) form one group; groups go one after another. */
  readonly groups: readonly (readonly StoreStep[])[];
  /** The presigned URL the function answers with, if any. */
  readonly presign?: {
    readonly method: 'GET' | 'PUT';
    readonly bucket: string;
    readonly key: string;
  };
  /** A Secrets Manager secret the function reads on its first call (bare-store-secret-handler). */
  readonly secretArn?: string;
  /** Whether that read goes out together with the first group (as multipart create's does). */
  readonly secretWithFirstGroup?: boolean;
}

/** Reads a GetObject answer's body to its end, as the function reads the bytes it checks. */
const readBody = async (output: unknown): Promise<void> => {
  const body = (output as { Body?: { transformToByteArray?: () => Promise<Uint8Array> } }).Body;
  await body?.transformToByteArray?.();
};

/**
 * Sends the steps with the plain client, group by group (`alongside`, if given, goes out
 * with the first group), then presigns.
 */
export const runAnchor = async (
  event: StoreAnchorEvent,
  alongside?: () => Promise<unknown>,
): Promise<APIGatewayProxyStructuredResultV2> => {
  let sent = 0;
  for (const [index, group] of event.groups.entries()) {
    await Promise.all([
      ...(index === 0 && alongside ? [alongside()] : []),
      ...group.map((step) => {
        const Command = COMMANDS[step.op] as unknown as new (input: unknown) => never;
        sent += 1;
        // An error answer is still the round trip the function paid (the sweep, say, carries
        // on when the embedded store cannot list multipart uploads); no answer is a failure.
        return client
          .send(new Command(step.input))
          .then(readBody)
          .catch((error: unknown) => {
            if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode)
              return undefined;
            throw error;
          });
      }),
    ]);
  }
  if (event.groups.length === 0 && alongside) await alongside();
  const presign = event.presign;
  const url =
    presign &&
    (await getSignedUrl(
      client,
      presign.method === 'GET'
        ? new GetObjectCommand({ Bucket: presign.bucket, Key: presign.key })
        : new PutObjectCommand({ Bucket: presign.bucket, Key: presign.key }),
      { expiresIn: 3600 },
    ));
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sent, url }),
  };
};

export const handler = (event: StoreAnchorEvent) => runAnchor(event);
