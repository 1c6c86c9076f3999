import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DraftStoreStack, type DraftStoreStackProps } from '../../lib/index.js';

export interface Synthesized {
  readonly app: App;
  readonly stack: DraftStoreStack;
  readonly template: Template;
  /** The logical id of a bucket the construct created. */
  readonly bucketId: (bucket: IBucket) => string;
}

/**
 * Builds the stack without bundling (`aws:cdk:bundling-stacks: []` makes NodejsFunction skip
 * esbuild), so a synth takes about a second. `npm run synth` covers real bundling.
 */
export const synth = (
  context: Record<string, unknown> = {},
  props: DraftStoreStackProps = {},
): Synthesized => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new DraftStoreStack(app, 'Test', { nag: false, ...props });
  return {
    app,
    stack,
    template: Template.fromStack(stack),
    bucketId: (bucket) => Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket),
  };
};

/** `{ Fn::GetAtt: [id, 'Arn'] }` and the `arn/*` join CDK renders for a bucket's objects. */
export const bucketArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
export const objectsArn = (id: string) => ({ 'Fn::Join': ['', [bucketArn(id), '/*']] });
