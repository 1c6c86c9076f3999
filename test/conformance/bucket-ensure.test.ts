import {
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetPublicAccessBlockCommand,
  PutBucketCorsCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { ABORT_INCOMPLETE_UPLOADS_RULE } from '../../lambdas/storage/s3-bucket-setup.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { describeRgw, sharedRgw, startRgwRuntime } from './stores.js';

jest.setTimeout(120_000);

const OPERATOR_CORS = {
  AllowedOrigins: ['https://operator.example'],
  AllowedMethods: ['GET'],
  AllowedHeaders: ['authorization'],
  MaxAgeSeconds: 42,
};
const OPERATOR_BPA = {
  BlockPublicAcls: false,
  IgnorePublicAcls: true,
  BlockPublicPolicy: false,
  RestrictPublicBuckets: false,
};

/** Defect 8 and 5: ensure creates what is missing and never rewrites what an operator set. */
describeRgw('bucket ensure', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startRgwRuntime(sharedRgw()!);
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('gives the buckets it creates the abort-incomplete-multipart-uploads rule', async () => {
    for (const bucket of [api.config.buckets.draft, api.config.buckets.main]) {
      const lifecycle = await api.services.client.send(
        new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }),
      );
      expect(lifecycle.Rules).toEqual([
        expect.objectContaining({
          ID: ABORT_INCOMPLETE_UPLOADS_RULE,
          Status: 'Enabled',
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }),
      ]);
    }
  });

  it("keeps an operator's CORS rule and BPA settings through /api/v1/draft/bucket and a restart", async () => {
    const { client } = api.services;
    const bucket = api.config.buckets.main;
    await client.send(
      new PutBucketCorsCommand({
        Bucket: bucket,
        CORSConfiguration: { CORSRules: [OPERATOR_CORS] },
      }),
    );
    await client.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: OPERATOR_BPA,
      }),
    );

    const ensured = await api.post('/api/v1/draft/bucket', {});
    const restarted = await startRgwRuntime(sharedRgw()!, { BUCKET_NAME: bucket });
    await restarted.stop();

    expect(ensured.status).toBe(200);
    expect(ensured.json).toMatchObject({ result: { success: true } });
    const cors = await client.send(new GetBucketCorsCommand({ Bucket: bucket }));
    expect(cors.CORSRules).toEqual([expect.objectContaining(OPERATOR_CORS)]);
    const bpa = await client.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(bpa.PublicAccessBlockConfiguration).toEqual(OPERATOR_BPA);
  });
});
