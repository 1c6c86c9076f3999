import middy from '@middy/core';
import { DraftError } from '../../core/errors.js';
import { logger } from '../../observability/logger.js';
import { callerOf } from '../caller.js';
import { errorResponse } from '../error-response.js';
import type { HttpEvent, HttpResult, ServicesResolver } from '../http-handler.js';
import { lambdaContext } from '../lambda-context.js';
import { companionSegments } from './companion-request.js';
import { COMPANION_PREFIX, serveCompanion } from './companion-routes.js';

/** Companion's error shape as Uppy reads it: a top-level `message` (and DraftStore's code). */
export const companionErrorBody = (code: string, message: string) => ({ message, code });

/**
 * Every Companion-compatible route under COMPANION_PREFIX, in one function: Uppy's
 * `companionEndpoint` (6) and `endpoint` (5). Served only with COMPANION_ROUTES=true.
 */
export const createCompanionHandler = (resolve: ServicesResolver) =>
  middy<HttpEvent, HttpResult>({ timeoutEarlyInMillis: 0 })
    .use(lambdaContext(logger))
    .use(errorResponse(companionErrorBody))
    .handler(async (event) => {
      const services = resolve();
      const segments = companionSegments(event.rawPath, COMPANION_PREFIX);
      if (!services.config.companionRoutes || segments === undefined) {
        throw new DraftError('not_found', 'The Companion routes are off (COMPANION_ROUTES).');
      }
      return serveCompanion({ caller: callerOf(event), services, event }, segments);
    });
