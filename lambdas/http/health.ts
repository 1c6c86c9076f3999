import { environmentServices } from '../compose.js';
import { healthRest } from '../contract/operations/health.js';
import { plainRestHandler } from './operation-routes.js';

/** GET /health: 200 when both buckets answer, 503 when either does not. */
export const createHealthHandler = plainRestHandler(healthRest);

export const handler = createHealthHandler(environmentServices);
