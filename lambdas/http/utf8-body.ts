import { isUtf8 } from 'node:buffer';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export class InvalidUtf8Error extends Error {
  readonly statusCode = 400;
}

/**
 * A JSON body that arrives as bytes (base64) must be UTF-8. Decoding it leniently, as
 * the JSON parser would, turns each bad byte into U+FFFD, which then becomes part of
 * an object name: the client meant something else, so it is told (400).
 */
export const utf8Body = (): MiddlewareObj<APIGatewayProxyEventV2> => ({
  before: (request) => {
    const { body, isBase64Encoded, headers } = request.event;
    if (body === undefined || !isBase64Encoded) return;
    if (!JSON_TYPE.test(headers?.['content-type'] ?? '')) return;
    const bytes = Buffer.from(body, 'base64');
    if (!isUtf8(bytes)) throw new InvalidUtf8Error('The request body is not valid UTF-8.');
    request.event.body = bytes.toString('utf8');
    request.event.isBase64Encoded = false;
  },
});
