import { Annotations, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { cors as connectCors } from '@connectrpc/connect';
import { REFUSAL_HEADERS } from '../../lambdas/core/errors.js';
import type { DraftStoreProps } from './props.js';

/**
 * The Connect / gRPC-web endpoint: a function URL on the connect function, IAM-authenticated
 * unless the props open it, with the CORS headers Connect clients send and read.
 */
export const addConnectUrl = (
  scope: Construct,
  connect: lambda.IFunction,
  props: DraftStoreProps,
): lambda.FunctionUrl => {
  const authType = props.functionUrlAuthType ?? lambda.FunctionUrlAuthType.AWS_IAM;
  if (authType === lambda.FunctionUrlAuthType.NONE && !props.jwtIssuer) {
    Annotations.of(scope).addWarningV2(
      'draftstore:publicConnectUrl',
      'The Connect function URL has auth type NONE and no jwtIssuer: anyone can call it as "anonymous".',
    );
  }
  return connect.addFunctionUrl({
    authType,
    cors: {
      allowedOrigins: [...(props.allowedOrigins ?? ['*'])],
      allowedMethods: [lambda.HttpMethod.POST, lambda.HttpMethod.GET],
      // connect-es's own lists, plus the bearer token, plus SigV4 for AWS_IAM callers.
      allowedHeaders: [
        ...connectCors.allowedHeaders.map((header) => header.toLowerCase()),
        'authorization',
        ...(authType === lambda.FunctionUrlAuthType.AWS_IAM
          ? ['x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']
          : []),
      ],
      exposedHeaders: [
        ...connectCors.exposedHeaders.map((header) => header.toLowerCase()),
        ...REFUSAL_HEADERS,
      ],
      maxAge: Duration.hours(1),
    },
  });
};
