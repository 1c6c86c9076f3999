import { readFile } from 'node:fs/promises';
import { ERROR_TABLE } from '../../../lambdas/error-table.js';
import { ROUTE_TABLE } from '../../../lambdas/http/route-table.js';
import {
  OPENAPI_PATH,
  renderOpenApiDocument,
  validateOpenApiDocument,
} from '../../../scripts/openapi/render.js';
import { openApiValidator } from '../../helpers/openapi-validator.js';

describe('docs/openapi.json', () => {
  let committed: string;
  let document: Record<string, any>;
  beforeAll(async () => {
    committed = await readFile(OPENAPI_PATH, 'utf8');
    document = JSON.parse(committed);
  });

  it('is what `npm run openapi` generates from lambdas/contract now', async () => {
    expect(committed).toBe(await renderOpenApiDocument());
  });

  it('is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator)', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(await validateOpenApiDocument(document)).toEqual([]);
  });

  it('the validator refuses a broken document, naming the offending field', async () => {
    const broken = structuredClone(document);
    broken.paths['/health'].get.responses = 'none';
    expect(await validateOpenApiDocument(broken)).toEqual([
      '/paths/~1health/get/responses must be object',
    ]);
  });

  it('covers every route of the route table, with the bearer scheme', () => {
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      ROUTE_TABLE.map((route) => `${route.method} ${route.path}`).sort(),
    );
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.paths['/health'].get.security).toEqual([]);
  });

  it("lists each error code under its error-table status, in the route's error shape", () => {
    const upload = document.paths['/api/v1/upload-url'].post.responses;
    for (const [code, { httpStatus }] of Object.entries(ERROR_TABLE)) {
      // Not raised by upload-url: these come from an existing draft or object.
      if (
        [
          'not_found',
          'conflict',
          'forbidden',
          'content_rejected',
          'scan_pending',
          'scanner_unavailable',
        ].includes(code)
      )
        continue;
      expect(Object.keys(upload[httpStatus].content['application/json'].examples)).toContain(code);
    }
    const compat = document.paths['/api/v1/draft/confirm'].post.responses[404];
    expect(compat.content['application/json'].examples.not_found.value).toEqual({
      result: { error_message: expect.any(String), error_type: ERROR_TABLE.not_found.errorType },
    });
  });

  it('every example fits its own schema', () => {
    const validator = openApiValidator(document);
    const problems: string[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods as Record<string, any>)) {
        const request = operation.requestBody?.content['application/json'].example;
        if (request !== undefined)
          problems.push(
            ...validator.request(method, path, request).map((p) => `${path} request ${p}`),
          );
        for (const [status, response] of Object.entries(
          operation.responses as Record<string, any>,
        )) {
          const media = response.content['application/json'];
          const examples = [
            ...(media.example === undefined ? [] : [media.example]),
            ...Object.values(media.examples ?? {}).map((example: any) => example.value),
          ];
          expect(examples.length).toBeGreaterThan(0);
          for (const example of examples)
            problems.push(
              ...validator
                .response(method, path, Number(status), example)
                .map((p) => `${method} ${path} ${status}: ${p}`),
            );
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the response check refuses an answer that breaks the schema, naming the field', () => {
    const validator = openApiValidator(document);
    expect(
      validator.response('post', '/api/v1/upload-url', 400, {
        error: { code: 'not_found', message: 'x' },
      }),
    ).toEqual(['/error/code must be equal to one of the allowed values']);
    expect(validator.response('post', '/api/v1/confirm-upload', 418, {})).toEqual([
      'post /api/v1/confirm-upload answered 418, which the document does not list',
    ]);
  });
});
