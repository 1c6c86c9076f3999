import { OPERATIONS } from '../../lambdas/contract/operations/index.js';
import type { RateClass } from '../../lambdas/core/rate-window.js';
import { COMPANION_OPERATIONS } from '../../lambdas/http/companion/companion-routes.js';
import { ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import type { DraftStoreFunctionName } from './functions.js';
import type { DraftStoreProps } from './props.js';
import type { UsageTableAccess } from './usage-grants.js';

/** The classes the props limit. */
const limitedClasses = (props: DraftStoreProps): Set<RateClass> =>
  new Set<RateClass>([
    ...(props.rateLimitPerMinute !== undefined ? (['write'] as const) : []),
    ...(props.readRateLimitPerMinute !== undefined ? (['read'] as const) : []),
  ]);

/**
 * The rate classes of the operations a function serves, from their specs (Connect serves all,
 * Companion the ones its routes stand for).
 */
const classesServedBy = (name: DraftStoreFunctionName): Set<string> => {
  const operations =
    name === 'connect'
      ? OPERATIONS.map((spec) => spec.name)
      : name === 'companion'
        ? COMPANION_OPERATIONS
        : ROUTE_TABLE.filter((route) => route.entry === name).map((route) => route.operation);
  return new Set(
    OPERATIONS.filter((spec) => (operations as string[]).includes(spec.name)).map(
      (spec) => spec.operation.rateLimit,
    ),
  );
};

/**
 * A function's usage-table access with the rate limits' counting added: `count`
 * (dynamodb:UpdateItem) only when it serves an operation of a class the props limit. The
 * class of each operation is declared once, in its spec.
 */
export const withRateCounting = (
  name: DraftStoreFunctionName,
  props: DraftStoreProps,
  access: UsageTableAccess | undefined,
): UsageTableAccess | undefined => {
  const limited = limitedClasses(props);
  const counts = [...classesServedBy(name)].some((rateClass) =>
    limited.has(rateClass as RateClass),
  );
  return counts ? { ...access, count: true } : access;
};

/** The functions' rate-limit settings (RATE_LIMIT_PER_MINUTE, READ_RATE_LIMIT_PER_MINUTE). */
export const rateLimitEnvironment = (props: DraftStoreProps): Record<string, string> => ({
  ...(props.rateLimitPerMinute !== undefined && {
    RATE_LIMIT_PER_MINUTE: String(props.rateLimitPerMinute),
  }),
  ...(props.readRateLimitPerMinute !== undefined && {
    READ_RATE_LIMIT_PER_MINUTE: String(props.readRateLimitPerMinute),
  }),
});
