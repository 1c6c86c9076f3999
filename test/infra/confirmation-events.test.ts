import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DraftStore } from '../../lib/index.js';

const build = (existingMain = false) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Host');
  const draftStore = new DraftStore(stack, 'DraftStore', {
    ...(existingMain && { existingMainBucket: s3.Bucket.fromBucketName(stack, 'M', 'corp-main') }),
  });
  const queue = new sqs.Queue(stack, 'Thumbnails', { enforceSSL: true });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: "The test's own target." });
  const rule = draftStore.onObjectConfirmed('Thumbnailer', new targets.SqsQueue(queue));
  return { app, stack, draftStore, rule, template: Template.fromStack(stack) };
};

describe('onObjectConfirmed', () => {
  it('adds a rule matching Object Created in the main bucket, to the given target', () => {
    const { stack, draftStore, template } = build();
    const mainId = stack.getLogicalId(draftStore.mainBucket.node.defaultChild as s3.CfnBucket);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: mainId }] } },
      },
      State: 'ENABLED',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Thumbnails'), 'Arn'] } }),
      ],
    });
    // Only the cleanup and usage reconciliation schedules, and this rule.
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toHaveLength(3);
  });

  it('turns on EventBridge notifications of the created main bucket, not of the draft bucket', () => {
    const { stack, draftStore, template } = build();
    const mainId = stack.getLogicalId(draftStore.mainBucket.node.defaultChild as s3.CfnBucket);
    const notifications = Object.values(template.findResources('Custom::S3BucketNotifications'));
    expect(notifications.map((resource) => resource.Properties)).toEqual([
      expect.objectContaining({
        BucketName: { Ref: mainId },
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    ]);
  });

  it('warns that an existing main bucket needs EventBridge notifications turned on by its owner', () => {
    const { stack } = build(true);
    Annotations.fromStack(stack).hasWarning(
      '/Host/DraftStore',
      Match.stringLikeRegexp(
        'turn on Amazon EventBridge notifications of the existing main bucket',
      ),
    );
  });

  it('leaves no unacknowledged cdk-nag error', () => {
    const { app } = build();
    const errors = new AwsSolutionsChecks(app)
      .validateScope(app)
      .violations.filter((violation) => violation.severity === 'error')
      .map(
        (violation) =>
          `${violation.ruleName} at ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
    expect(errors).toEqual([]);
  });
});

describe('onObjectRejected', () => {
  it("adds a rule matching Object Tags Added in the draft bucket (confirm's refusal tags) and turns on the draft bucket's notifications", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Host');
    const draftStore = new DraftStore(stack, 'DraftStore');
    const queue = new sqs.Queue(stack, 'Quarantine', { enforceSSL: true });
    draftStore.onObjectRejected('Rejections', new targets.SqsQueue(queue));
    const template = Template.fromStack(stack);
    const draftId = stack.getLogicalId(draftStore.draftBucket.node.defaultChild as s3.CfnBucket);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Tags Added'],
        detail: { bucket: { name: [{ Ref: draftId }] } },
      },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Quarantine'), 'Arn'] } }),
      ],
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: draftId },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });
});
