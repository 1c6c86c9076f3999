import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger per process. Level and service name come from the
 * Powertools variables (POWERTOOLS_LOG_LEVEL, POWERTOOLS_SERVICE_NAME).
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'draftstore',
});
