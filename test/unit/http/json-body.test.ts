import type { Request } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { jsonBody } from '../../../lambdas/http/json-body.js';

const parse = async (body: string | undefined, contentType = 'application/json') => {
  const event = {
    headers: { 'content-type': contentType },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  await jsonBody().before!({ event } as Request<APIGatewayProxyEventV2>);
  return event.body as unknown;
};

const failureOf = async (body: string | undefined, contentType?: string) => {
  try {
    await parse(body, contentType);
  } catch (error) {
    const { statusCode, message } = error as { statusCode: number; message: string };
    return { statusCode, message };
  }
  throw new Error('the body was accepted');
};

describe('jsonBody (middy http-json-body-parser with a fast path)', () => {
  it('parses an ordinary body into own data properties', async () => {
    const parsed = await parse('{"object_name":"a.txt","content_length":3}');
    expect(parsed).toEqual({ object_name: 'a.txt', content_length: 3 });
  });

  it.each([
    ['a literal __proto__ key', '{"object_name":"a","__proto__":{"admin":true}}'],
    [
      'a __proto__ key spelled with a \\u escape',
      '{"object_name":"a","\\u005f_proto__":{"admin":true}}',
    ],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"admin":true}}}'],
    ['a nested __proto__ key', '{"a":{"b":{"__proto__":{"admin":true}}}}'],
  ])('refuses %s with 422 Forbidden key, polluting nothing', async (_label, body) => {
    expect(await failureOf(body)).toEqual({
      statusCode: 422,
      message: 'Forbidden key in JSON body',
    });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses malformed JSON with 422 from the parser', async () => {
    expect(await failureOf('{"object_name":')).toEqual({
      statusCode: 422,
      message: 'Invalid or malformed JSON was provided',
    });
  });

  it('refuses a body not declared as JSON with 415', async () => {
    expect(await failureOf('{"object_name":"a"}', 'text/plain')).toEqual({
      statusCode: 415,
      message: 'Unsupported Media Type',
    });
  });

  it('refuses a missing body with 422', async () => {
    expect(await failureOf(undefined)).toEqual({
      statusCode: 422,
      message: 'Invalid or malformed JSON was provided',
    });
  });
});
