import { App } from 'aws-cdk-lib';
import { DraftStoreStack } from '../lib/index.js';

/** The CDK app (`cdk.json` runs it with tsx). Settings come from context: see docs/deploy.md. */
const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? 'DraftStore');

new DraftStoreStack(app, stackName, {
  description: 'DraftStore: two-stage presigned uploads (draft -> main) on Lambda, S3 and Connect',
  // Unset outside `cdk deploy`/`cdk synth` with credentials: the stack stays environment-agnostic.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
