import { composeUsage } from '../compose-usage.js';
import { environmentServices } from '../compose.js';
import { usageRest } from '../contract/operations/usage.js';
import { plainRestHandler } from './operation-routes.js';

/** POST /api/v1/usage: what the caller keeps in the main bucket, and their quota. */
export const createUsageHandler = plainRestHandler(usageRest);

export const handler = createUsageHandler(() => environmentServices({ usage: composeUsage }));
