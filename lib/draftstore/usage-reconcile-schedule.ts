import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { DraftStoreProps } from './props.js';

/**
 * Runs the usage reconciliation weekly (or on `props.usageReconcileSchedule`): it corrects
 * drift left by objects removed outside the API and by crashes between a charge and its copy.
 */
export const createUsageReconcileSchedule = (
  scope: Construct,
  reconcile: lambda.Function,
  props: DraftStoreProps,
): events.Rule =>
  new events.Rule(scope, 'UsageReconcileSchedule', {
    description: 'DraftStore: reconcile per-owner usage with the main bucket',
    schedule: props.usageReconcileSchedule ?? events.Schedule.rate(Duration.days(7)),
    targets: [new targets.LambdaFunction(reconcile, { retryAttempts: 2 })],
  });
