import { Validator } from '@seriousme/openapi-schema-validator';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { buildOpenApiDocument } from './document.js';

/** The document as committed: prettier's JSON, so `prettier --check` agrees with the generator. */
export const renderOpenApiDocument = async (): Promise<string> => {
  const config = await resolveConfig(OPENAPI_PATH);
  return format(JSON.stringify(buildOpenApiDocument()), { ...config, filepath: OPENAPI_PATH });
};

/** Where the committed document lives. */
export const OPENAPI_PATH = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));

/** What a real OpenAPI 3.1 schema validator finds wrong with `document`; empty when valid. */
export const validateOpenApiDocument = async (
  document: Record<string, unknown>,
): Promise<string[]> => {
  const result = await new Validator().validate(document);
  if (result.valid) return [];
  const { errors } = result;
  if (Array.isArray(errors)) return errors.map((error) => `${error.instancePath} ${error.message}`);
  return [errors ?? 'invalid'];
};
