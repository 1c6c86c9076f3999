import { Match } from 'aws-cdk-lib/assertions';
import { synth, type Synthesized } from './synth.js';

const CLEANUP_FUNCTION = Match.stringLikeRegexp('^DraftStoreCleanupFunction');

describe('cleanup failures are kept and alarmed', () => {
  let synthesized: Synthesized;
  let queue: string;
  beforeAll(() => {
    synthesized = synth();
    queue = synthesized.stack.getLogicalId(
      synthesized.stack.draftStore.cleanupDeadLetterQueue.node.defaultChild as never,
    );
  });

  it('sends a sweep that failed all its async attempts to the cleanup dead-letter queue', () => {
    synthesized.template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 1);
    synthesized.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: CLEANUP_FUNCTION },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } },
      },
    });
  });

  it('lets the cleanup function, and no other, send to that queue', () => {
    const policies = synthesized.template.findResources('AWS::IAM::Policy');
    const senders = Object.entries(policies)
      .filter(([, policy]) =>
        (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).some(
          (statement) => [statement.Action].flat().includes('sqs:SendMessage'),
        ),
      )
      .map(([id]) => id);
    expect(senders).toEqual([expect.stringMatching(/^DraftStoreCleanupRoleDefaultPolicy/)]);
    synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
          }),
        ]),
      },
    });
  });

  it('alarms on any error of the cleanup function', () => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: CLEANUP_FUNCTION } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms while the cleanup dead-letter queue holds a message', () => {
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    synthesized.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'DraftStore',
      MetricName: 'uploadListingFailures',
      Dimensions: [{ Name: 'service', Value: 'draftstore' }],
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 3,
    });
    synthesized.template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });
});
