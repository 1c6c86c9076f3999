import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Request bodies are small JSON documents; anything larger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {
  readonly statusCode = 413;
}

export const bodyLimit = (maxBytes = MAX_BODY_BYTES): MiddlewareObj<APIGatewayProxyEventV2> => {
  const bodyLimitBefore: MiddlewareObj<APIGatewayProxyEventV2>['before'] = (request) => {
    const { body, isBase64Encoded } = request.event;
    if (body === undefined) return;
    const size = isBase64Encoded
      ? Buffer.byteLength(body, 'base64')
      : Buffer.byteLength(body, 'utf8');
    if (size > maxBytes) {
      throw new BodyTooLargeError(
        `The request body is ${size} bytes; the limit is ${maxBytes} bytes.`,
      );
    }
  };
  return { before: bodyLimitBefore };
};
