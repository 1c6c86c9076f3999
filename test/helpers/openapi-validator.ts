import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under ESM the default import is the module.
const addFormats = ((addFormatsModule as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule.default;

type Document = Record<string, any>;

/** `/api/v1/upload-url` → `~1api~1v1~1upload-url` (JSON Pointer escaping). */
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Validates answers against an OpenAPI 3.1 document with a JSON Schema 2020-12 validator.
 * `check` names what failed: an undocumented status, or the schema errors of the body.
 */
export const openApiValidator = (document: Document) => {
  // OpenAPI keywords around the schemas (paths, info, ...) are not JSON Schema: not strict.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi.json');

  const validate = (at: string[], value: unknown): string[] => {
    const check = ajv.getSchema(`openapi.json#/${at.map(pointer).join('/')}`);
    if (!check) return [`no schema at ${at.join(' ')}`];
    if (check(value)) return [];
    return (check.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
  };

  return {
    /** Problems with an answer: empty when `status` is documented and `body` fits its schema. */
    response: (method: string, path: string, status: number, body: unknown): string[] => {
      const operation = document.paths?.[path]?.[method.toLowerCase()];
      if (!operation) return [`${method} ${path} is not in the document`];
      if (!operation.responses?.[String(status)])
        return [`${method} ${path} answered ${status}, which the document does not list`];
      return validate(
        [
          'paths',
          path,
          method.toLowerCase(),
          'responses',
          String(status),
          'content',
          'application/json',
          'schema',
        ],
        body,
      );
    },
    /** Problems with a request body. */
    request: (method: string, path: string, body: unknown): string[] =>
      validate(
        [
          'paths',
          path,
          method.toLowerCase(),
          'requestBody',
          'content',
          'application/json',
          'schema',
        ],
        body,
      ),
  };
};
