import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DraftStoreStack } from '../../lib/index.js';

const configurations: Record<string, Record<string, unknown>> = {
  defaults: {},
  'JWT on every route but /health': {
    jwtIssuer: 'https://issuer.example.com/',
    jwtAudience: 'draftstore',
  },
  'public Connect URL with JWT': {
    jwtIssuer: 'https://issuer.example.com/',
    jwtAudience: 'draftstore',
    functionUrlAuthType: 'NONE',
  },
  'Companion routes, open': { companionRoutes: 'true', companionAutoConfirm: 'true' },
  'Companion routes behind JWT': {
    companionRoutes: 'true',
    jwtIssuer: 'https://issuer.example.com/',
    jwtAudience: 'draftstore',
  },
  'customer-managed KMS key': { kms: 'true' },
  'existing buckets': {
    existingMainBucketName: 'corp-main',
    existingDraftBucketName: 'corp-draft',
  },
  'named buckets, destroy on delete': {
    mainBucketName: 'acme-main',
    draftBucketName: 'acme-draft',
    removalPolicy: 'destroy',
  },
};

/** Findings cdk-nag still reports after the construct's acknowledgements. */
const findings = (app: App, severity: 'error' | 'warning') =>
  new AwsSolutionsChecks(app)
    .validateScope(app)
    .violations.filter((violation) => violation.severity === severity)
    .map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );

describe('cdk-nag AwsSolutions', () => {
  it.each(Object.entries(configurations))(
    'reports no unacknowledged error: %s',
    (_name, context) => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
      new DraftStoreStack(app, 'Test', { nag: false });
      expect(findings(app, 'error')).toEqual([]);
      expect(findings(app, 'warning')).toEqual([]);
    },
  );

  it('fails the synth of the stack on an unacknowledged error', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new DraftStoreStack(app, 'Test');
    new s3.Bucket(stack, 'CarelessBucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('passes the synth of the stack with its own checks applied', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new DraftStoreStack(app, 'Test');
    expect(() => app.synth()).not.toThrow();
    expect(Stack.of(stack)).toBe(stack);
  });
});
