import { needsUsageTable } from '../lambdas/config.js';
import { LOCAL_USAGE_TABLE } from '../lambdas/storage/usage-table.js';

/**
 * The local runtime's environment: when a setting needs the usage table (a quota, a rate
 * limit) and USAGE_TABLE is unset, the table gets its local name, and the runtime starts
 * dynalite for it unless DYNAMODB_ENDPOINT names another endpoint. Without such a setting
 * nothing changes: no table, no dynalite, no extra request.
 */
export const withLocalUsageTable = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  needsUsageTable(env) && (env.USAGE_TABLE ?? '').trim() === ''
    ? { ...env, USAGE_TABLE: LOCAL_USAGE_TABLE }
    : env;
