import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * The pattern that gives S3's own events the meaning `draftstore.object.confirmed`: only
 * confirm writes to the main bucket (CopyObject, or CompleteMultipartUpload for a copy in
 * parts), so every "Object Created" there is one confirmation. S3 emits it once the object
 * exists, whatever happens to the confirm function afterwards: at least once, even when the
 * function crashes right after the copy.
 *
 * Mapping to the event's fields: key = `detail.object.key`, bucket = `detail.bucket.name`,
 * size = `detail.object.size`, etag = `detail.object.etag`, owner = the key up to its first
 * `/`, object_name = the rest; content_type is not in S3's event (HEAD the object).
 */
export const objectConfirmedPattern = (main: s3.IBucket): events.EventPattern => ({
  source: ['aws.s3'],
  detailType: ['Object Created'],
  detail: { bucket: { name: [main.bucketName] } },
});

/**
 * Routes confirmations to `target` with one EventBridge rule on the default bus, and turns
 * on EventBridge notifications of a main bucket the construct created (S3 sends nothing to
 * EventBridge until they are on; an existing bucket's owner turns them on).
 */
export const addObjectConfirmedRule = (
  scope: Construct,
  id: string,
  main: s3.IBucket,
  target: events.IRuleTarget,
): events.Rule => {
  notifyEventBridge(scope, main, 'existingMainBucketEvents', 'onObjectConfirmed', 'main');
  return new events.Rule(scope, id, {
    description: 'DraftStore: draftstore.object.confirmed (an object created in the main bucket)',
    eventPattern: objectConfirmedPattern(main),
    targets: [target],
  });
};

/**
 * The pattern that gives S3's own events the meaning `draftstore.object.rejected`: confirm
 * tags a draft it refuses (`draftstore-rejected` = the reason, `draftstore-rejected-etag`),
 * so an "Object Tags Added" in the draft bucket is a refusal; S3's event carries no tags, so
 * a consumer reads them (GetObjectTagging) and ignores objects without `draftstore-rejected`
 * (GuardDuty Malware Protection tags drafts too).
 */
export const objectRejectedPattern = (draft: s3.IBucket): events.EventPattern => ({
  source: ['aws.s3'],
  detailType: ['Object Tags Added'],
  detail: { bucket: { name: [draft.bucketName] } },
});

/** Routes refusals to `target`, turning on EventBridge notifications of a created draft bucket. */
export const addObjectRejectedRule = (
  scope: Construct,
  id: string,
  draft: s3.IBucket,
  target: events.IRuleTarget,
): events.Rule => {
  notifyEventBridge(scope, draft, 'existingDraftBucketEvents', 'onObjectRejected', 'draft');
  return new events.Rule(scope, id, {
    description: 'DraftStore: draftstore.object.rejected (confirm tagged a refused draft)',
    eventPattern: objectRejectedPattern(draft),
    targets: [target],
  });
};

const notifyEventBridge = (
  scope: Construct,
  bucket: s3.IBucket,
  warning: string,
  method: string,
  stage: 'main' | 'draft',
): void => {
  if (bucket instanceof s3.Bucket && bucket.node.scope === scope) {
    bucket.enableEventBridgeNotification();
    acknowledgeNotificationsHandler(scope);
  } else {
    Annotations.of(scope).addWarningV2(
      `draftstore:${warning}`,
      `${method}: turn on Amazon EventBridge notifications of the existing ${stage} bucket yourself, or the rule never fires.`,
    );
  }
};

/**
 * CDK turns notifications on through its own singleton function, whose role carries the
 * AWS managed basic-execution policy; that is CDK's code, not one DraftStore can scope.
 */
const acknowledgeNotificationsHandler = (scope: Construct): void => {
  for (const child of Stack.of(scope).node.children) {
    if (!child.node.id.startsWith('BucketNotificationsHandler')) continue;
    const role = child.node.tryFindChild('Role');
    if (!role) continue;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's BucketNotificationsHandler (it turns on the main bucket's EventBridge notifications at deploy time) comes with the AWS managed basic-execution policy; DraftStore cannot scope CDK's own singleton.",
    });
  }
};
