import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE, serviceName } from './functions.js';
import type { DraftStoreProps } from './props.js';

export interface CleanupSchedule {
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly uploadListingAlarm: cloudwatch.Alarm;
}

/**
 * Runs the cleanup function on its schedule, keeps every lost run in a dead-letter queue, and
 * raises an alarm for failed sweeps, lost runs, and sweeps that could not list uploads.
 */
export const createCleanupSchedule = (
  scope: Construct,
  cleanup: lambda.Function,
  props: DraftStoreProps,
): CleanupSchedule => {
  const deadLetterQueue = new sqs.Queue(scope, 'CleanupDeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      'This queue is itself the dead-letter queue of the cleanup schedule target (EventBridge) and the on-failure destination of the cleanup function; a DLQ of a DLQ adds nothing.',
  });
  const rule = new events.Rule(scope, 'CleanupSchedule', {
    description: 'DraftStore: delete expired drafts',
    schedule: props.cleanupSchedule ?? events.Schedule.rate(Duration.hours(1)),
    targets: [
      new targets.LambdaFunction(cleanup, {
        retryAttempts: 2,
        // A sweep that could not start within the hour is superseded by the next one.
        maxEventAge: Duration.hours(1),
        deadLetterQueue,
      }),
    ],
  });
  // The rule's DLQ only receives events EventBridge could not deliver. Once Lambda has
  // accepted the (asynchronous) invocation, a sweep that throws is retried by Lambda, and
  // then sent to the same queue instead of being dropped. The destination grants the
  // function's role sqs:SendMessage on the queue.
  cleanup.configureAsyncInvoke({
    retryAttempts: 2,
    maxEventAge: Duration.hours(1),
    onFailure: new SqsDestination(deadLetterQueue),
  });
  const errorsAlarm = new cloudwatch.Alarm(scope, 'CleanupErrorsAlarm', {
    alarmDescription:
      'DraftStore: a cleanup sweep failed (threw or timed out); Lambda retries it, then sends it to the cleanup dead-letter queue.',
    metric: cleanup.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const deadLetterAlarm = new cloudwatch.Alarm(scope, 'CleanupDeadLetterAlarm', {
    alarmDescription:
      'DraftStore: a cleanup run was lost (undeliverable, or failed every attempt); see the cleanup dead-letter queue.',
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: 'Maximum',
    }),
    threshold: 0,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  // The EMF metric the cleanup handler publishes (Powertools: namespace + service dimension).
  const uploadListingAlarm = new cloudwatch.Alarm(scope, 'CleanupUploadListingAlarm', {
    alarmDescription:
      'DraftStore: cleanup sweeps could not list stale multipart uploads (permissions?); abandoned uploads are piling up.',
    metric: new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'uploadListingFailures',
      dimensionsMap: { service: serviceName(props) },
      period: Duration.hours(1),
      statistic: 'Sum',
    }),
    threshold: 1,
    evaluationPeriods: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { rule, deadLetterQueue, errorsAlarm, deadLetterAlarm, uploadListingAlarm };
};
