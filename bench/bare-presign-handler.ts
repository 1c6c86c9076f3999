import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

// P2's baseline (`npm run bench`): the least a presigning Lambda needs, built with the
// functions' own esbuild options. Never deployed. The client is configured as the
// functions configure theirs, so the ratio compares code, not SDK settings.
const client = new S3Client({
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});

export const handler = async (
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const { object_name } = JSON.parse(event.body ?? '{}') as { object_name: string };
  const url = await getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: process.env.DRAFT_BUCKET_NAME,
      Key: `anonymous/${object_name}`,
    }),
    { expiresIn: 3600 },
  );
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upload_url: url }),
  };
};
