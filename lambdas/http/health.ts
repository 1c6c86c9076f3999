import { environmentServices } from '../compose.js';
import { plainRoute } from './http-handler.js';
import { jsonResponse } from './json-response.js';

/** GET /health: 200 when both buckets answer, 503 when either does not. */
export const createHealthHandler = plainRoute(async ({ services }) => {
  const report = await services.drafts.health();
  return jsonResponse(report.healthy ? 200 : 503, {
    status: report.healthy ? 'ok' : 'unavailable',
    buckets: report.buckets,
  });
});

export const handler = createHealthHandler(environmentServices);
