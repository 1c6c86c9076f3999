import * as z from 'zod';
import { compatErrorResponse, errorResponse } from '../../lambdas/contract/index.js';
import type { DraftErrorCode } from '../../lambdas/core/errors.js';
import { ERROR_TABLE } from '../../lambdas/error-table.js';
import { ROUTE_TABLE, type RouteSpec } from '../../lambdas/http/route-table.js';
import type { OriginalRoute, RestRoute } from '../../lambdas/contract/operation.js';
import { OPERATIONS } from '../../lambdas/contract/operations/index.js';
import { OPENAPI_DOCS, type RouteDocs } from './operation-docs.js';

type JsonSchema = Record<string, unknown>;

/** Errors any route that reads a JSON body can answer with, besides its own. */
const BODY_ERRORS: readonly DraftErrorCode[] = [
  'invalid_request',
  'payload_too_large',
  'unsupported_media_type',
];
/** Errors every route can answer with. */
const ROUTE_ERRORS: readonly DraftErrorCode[] = [
  'unauthenticated',
  'bucket_not_found',
  'storage_unavailable',
  'internal',
];

/** One client-safe message per code, for the examples. */
const ERROR_EXAMPLES: Readonly<Record<DraftErrorCode, string>> = {
  invalid_request: 'object_name: must not be empty',
  unauthenticated: 'The token names no subject (sub).',
  forbidden: 'The upload token belongs to another upload.',
  invalid_object_name: 'The object name must not contain ".." segments.',
  not_found: 'No draft named "docs/report.pdf".',
  conflict: 'The draft was replaced while it was being confirmed; confirm again.',
  payload_too_large: 'The object is 6442450944 bytes; the limit is 5368709120 bytes.',
  quota_exceeded:
    "This would keep 10737418250 bytes, over the owner's quota of 10737418240 bytes (0 left).",
  unsupported_media_type: 'The request body must be sent as application/json.',
  content_rejected: 'The draft is declared image/png but its bytes are application/x-msdownload.',
  scan_pending: 'The draft has not been scanned yet; confirm again later.',
  scanner_unavailable: 'The malware scanner is unavailable; the draft is kept, confirm again.',
  bucket_not_found: 'The storage bucket does not exist.',
  storage_unavailable: 'The storage service is unavailable; try again.',
  internal: 'An internal error occurred.',
};

/**
 * API Gateway's own answers, before any function runs: the JWT authorizer's 401, stage
 * throttling's 429, and an integration timeout's 503.
 */
const GATEWAY_MESSAGES: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** zod 4's JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), without `$schema`. */
const jsonSchema = (schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema => {
  const converted = z.toJSONSchema(schema, {
    io,
    // Refinements (the base64 digest checks) have no JSON Schema; the field stays a string.
    unrepresentable: 'any',
  }) as JsonSchema;
  delete converted.$schema;
  return converted;
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  404: 'Not found',
  409: 'Conflict',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Content rejected',
  429: 'Throttled by the API stage',
  500: 'Internal error',
  503: 'Storage unavailable',
};

/** The OpenAPI 3.1 document of the REST API, built from the route table and the contract. */
export const buildOpenApiDocument = (): Record<string, unknown> => {
  const schemas: Record<string, JsonSchema> = {
    Error: jsonSchema(errorResponse, 'output'),
    CompatError: jsonSchema(compatErrorResponse, 'output'),
    GatewayMessage: {
      type: 'object',
      description: "API Gateway's own answer, sent before any DraftStore function runs.",
      properties: { message: { type: 'string' } },
      required: ['message'],
    },
  };
  const addSchema = (body: { name: string; schema: z.core.$ZodType }, io: 'input' | 'output') => {
    schemas[body.name] ??= jsonSchema(body.schema, io);
    return ref(body.name);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTE_TABLE) {
    const { operation, request } = docsOf(route);
    const responses: Record<string, unknown> = {
      200: {
        description: 'OK',
        content: {
          'application/json': {
            schema: addSchema(operation.response, 'output'),
            example: operation.response.example,
          },
        },
      },
      ...(operation.alsoAnswers && {
        [operation.alsoAnswers.status]: {
          description: operation.alsoAnswers.description,
          content: {
            'application/json': {
              schema: ref(operation.response.name),
              example: operation.alsoAnswers.example,
            },
          },
        },
      }),
      ...errorResponses(operation),
    };
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: camel(route.entry),
        summary: operation.summary,
        description: operation.description,
        tags: [operation.tag],
        ...(operation.public && { security: [] }),
        ...(operation.request &&
          request && {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: addSchema({ name: operation.request.name, schema: request }, 'input'),
                  example: operation.request.example,
                },
              },
            },
          }),
        responses,
      },
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'DraftStore REST API',
      version: '1.0.0',
      description: [
        'Two-stage uploads: presign an upload into the **draft** stage, PUT (or POST a form) the bytes straight to the store, preview, then **confirm** to move the object into the versioned **main** stage.',
        '',
        'Every key is `<owner>/<object_name>`; the owner is the `sub` of the bearer token (or `anonymous` when the deployment has no JWT issuer). Errors are `{"error": {"code", "message"}}`; the original API under `/api/v1/draft/*` keeps its `{"result": ...}` shape.',
        '',
        'The same operations are served as the Connect / gRPC service `draft.v1.DraftService` (see `proto/`).',
        '',
        'Generated by `npm run openapi` from `lambdas/contract`; do not edit by hand.',
      ].join('\n'),
    },
    servers: [
      { url: '/', description: 'This server (`npm start` serves the document at /openapi.json)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'The deployed HTTP API (the stack output ApiUrl)',
        variables: {
          apiId: { default: 'abc123', description: 'The HTTP API id' },
          region: { default: 'eu-west-1' },
        },
      },
    ],
    // A token when the deployment sets jwtIssuer; none (anonymous) when it does not.
    security: [{ bearerAuth: [] }, {}],
    tags: [
      { name: 'Uploads', description: 'Presign uploads into the draft stage and confirm them.' },
      { name: 'Objects', description: "The caller's own objects." },
      { name: 'Service', description: 'Operations of the service itself.' },
      {
        name: 'Original DraftStore API',
        description: "The original (Go) DraftStore's routes and shapes, kept for its clients.",
      },
    ],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "A JWT from the deployment's issuer (jwtIssuer, jwtAudience); its `sub` owns the keys. Locally `npm start` reads `sub` from the token without verifying it.",
        },
      },
    },
  };
};

/** A route's OpenAPI text, its request schema (from its spec) and its error shape. */
const docsOf = (route: RouteSpec) => {
  const spec = OPERATIONS.find((candidate) => candidate.name === route.operation);
  const surfaces = spec as { rest?: RestRoute; original?: OriginalRoute } | undefined;
  const docs = OPENAPI_DOCS[route.operation] as Partial<Record<RouteSpec['surface'], RouteDocs>>;
  const operation = docs[route.surface];
  if (operation === undefined) throw new Error(`${route.path} has no OpenAPI text`);
  return {
    operation: { ...operation, errorShape: route.surface === 'rest' ? 'rest' : 'compat' } as const,
    request: surfaces?.[route.surface]?.request,
  };
};

/** One response per status: the error codes the table maps there, each with an example. */
const errorResponses = (
  operation: RouteDocs & { readonly errorShape: 'rest' | 'compat' },
): Record<string, unknown> => {
  const codes = [
    ...new Set([...(operation.request ? BODY_ERRORS : []), ...operation.errors, ...ROUTE_ERRORS]),
  ];
  const byStatus = new Map<number, DraftErrorCode[]>();
  for (const code of codes) {
    const { httpStatus } = ERROR_TABLE[code];
    byStatus.set(httpStatus, [...(byStatus.get(httpStatus) ?? []), code]);
  }
  byStatus.set(429, byStatus.get(429) ?? []);
  const compat = operation.errorShape === 'compat';

  const responses: Record<string, unknown> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    if (status === operation.alsoAnswers?.status) continue;
    const statusCodes = byStatus.get(status) ?? [];
    const ours: JsonSchema | undefined =
      statusCodes.length === 0
        ? undefined
        : compat
          ? {
              allOf: [
                ref('CompatError'),
                {
                  properties: {
                    result: {
                      properties: {
                        error_type: {
                          enum: [
                            ...new Set(statusCodes.map((code) => ERROR_TABLE[code].errorType)),
                          ],
                        },
                      },
                    },
                  },
                },
              ],
            }
          : {
              allOf: [
                ref('Error'),
                { properties: { error: { properties: { code: { enum: statusCodes } } } } },
              ],
            };
    const gateway = GATEWAY_MESSAGES[status];
    const schema =
      ours && gateway ? { oneOf: [ours, ref('GatewayMessage')] } : (ours ?? ref('GatewayMessage'));
    const examples: Record<string, { summary: string; value: unknown }> = {};
    for (const code of statusCodes) {
      examples[code] = {
        summary: code,
        value: compat
          ? {
              result: {
                error_message: ERROR_EXAMPLES[code],
                error_type: ERROR_TABLE[code].errorType,
              },
            }
          : {
              error: {
                code,
                message: ERROR_EXAMPLES[code],
                ...(code === 'content_rejected' && {
                  reason: 'type_mismatch',
                  detected_type: 'application/x-msdownload',
                }),
              },
            },
      };
    }
    if (gateway) examples.gateway = { summary: 'API Gateway', value: { message: gateway } };
    responses[status] = {
      description:
        statusCodes.length > 0
          ? `${STATUS_TEXT[status] ?? 'Error'}: ${statusCodes.map((code) => `\`${code}\``).join(', ')}`
          : (STATUS_TEXT[status] ?? 'Error'),
      content: { 'application/json': { schema, examples } },
    };
  }
  return responses;
};

const camel = (name: string): string =>
  name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
