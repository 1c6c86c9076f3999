import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import type { Services } from '../compose.js';
import type { Caller } from '../core/draft-service.js';
import { logger } from '../observability/logger.js';
import { bodyLimit } from './body-limit.js';
import { callerOf } from './caller.js';
import { errorResponse, type ErrorBodyFormat } from './error-response.js';

export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpEvent = APIGatewayProxyEventV2;
/** Supplies the composed services; called per request, so composition stays lazy. */
export type ServicesResolver = () => Services;

export interface RouteContext {
  readonly caller: Caller;
  readonly services: Services;
}

export interface RouteOptions {
  /** How error bodies look. @default errorBody: `{error: {code, message}}` */
  readonly errorFormat?: ErrorBodyFormat;
  /** The largest request body accepted. @default MAX_BODY_BYTES (64 KiB) */
  readonly maxBodyBytes?: number;
}

const baseHandler = (format?: ErrorBodyFormat) =>
  middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(errorResponse(format));

/** A POST route with a JSON body, checked by `schema` before `run` sees it. */
export const jsonRoute =
  <S extends z.ZodMiniType>(
    schema: S,
    run: (input: z.output<S>, context: RouteContext) => Promise<HttpResult>,
    options: RouteOptions = {},
  ) =>
  (resolve: ServicesResolver) =>
    baseHandler(options.errorFormat)
      .use(bodyLimit(options.maxBodyBytes))
      .use(httpJsonBodyParser())
      .handler(async (event) => {
        const input = schema.parse(event.body);
        return run(input, { caller: callerOf(event), services: resolve() });
      });

/** A route without a body. */
export const plainRoute =
  (run: (context: RouteContext) => Promise<HttpResult>, options: RouteOptions = {}) =>
  (resolve: ServicesResolver) =>
    baseHandler(options.errorFormat).handler(async (event) =>
      run({ caller: callerOf(event), services: resolve() }),
    );
