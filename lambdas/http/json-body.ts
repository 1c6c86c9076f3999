import type { MiddlewareObj } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Any text that could name `__proto__` or `constructor` as a key: literally, or through a
 * `\u` escape that JSON.parse would decode into one.
 */
const MAYBE_FORBIDDEN_KEY = /__proto__|constructor|\\u/;
const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]+\+)?json(;|$)/i;

/**
 * middy's JSON body parser, with a fast path for the common body. The parser guards
 * against `__proto__` and `constructor.prototype` keys with a reviver, which calls back
 * for every value of every body (most of the parser's cost). A body whose text cannot
 * hold such a key gets a plain JSON.parse, which never sets a prototype anyway (it
 * defines own properties). Every other body (other content types, base64, malformed
 * JSON, any `\u` escape) goes through the parser itself, with its checks and errors.
 */
export const jsonBody = (): MiddlewareObj<APIGatewayProxyEventV2> => {
  const parser = httpJsonBodyParser();
  const jsonBodyBefore: MiddlewareObj<APIGatewayProxyEventV2>['before'] = (request) => {
    const event = request.event;
    const { body } = event;
    if (
      typeof body === 'string' &&
      !event.isBase64Encoded &&
      JSON_CONTENT_TYPE.test(event.headers?.['content-type'] ?? '') &&
      !MAYBE_FORBIDDEN_KEY.test(body)
    ) {
      try {
        (event as { body: unknown }).body = JSON.parse(body);
        return;
      } catch {
        // Malformed: the parser answers it with its own error.
      }
    }
    return parser.before!(request);
  };
  return { before: jsonBodyBefore };
};
