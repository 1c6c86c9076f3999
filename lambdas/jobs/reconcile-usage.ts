import type { Context } from 'aws-lambda';
import { composeUsage } from '../compose-usage.js';
import { environmentServices, type Services } from '../compose.js';
import { UsageReconciler, type Drift } from '../core/usage-reconciler.js';
import { logger as sharedLogger } from '../observability/logger.js';

/** The part of the Powertools Logger the job uses. */
export interface ReconcileLogger {
  addContext(context: Context): void;
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
}

export interface ReconcileSummary {
  readonly driftsFixed: number;
}

/**
 * The weekly reconciliation of every owner's usage against main (see usage-reconciler.ts):
 * one log line per drift fixed, and a summary.
 */
export const createReconcileUsageHandler =
  (resolve: () => Services, logger: ReconcileLogger = sharedLogger) =>
  async (_event: unknown, context?: Context): Promise<ReconcileSummary> => {
    if (context) logger.addContext(context);
    const services = resolve();
    if (services.usage === undefined) {
      throw new Error('USAGE_TABLE is not set: there is no usage to reconcile.');
    }
    const reconciler = new UsageReconciler(services.usage.ledger, services.accounts);
    let driftsFixed = 0;
    for await (const drift of reconciler.reconcileAll()) {
      driftsFixed += 1;
      logger.warn('usage drift fixed', { ...(drift satisfies Drift) });
    }
    logger.info('usage reconciled', { driftsFixed });
    return { driftsFixed };
  };

export const handler = createReconcileUsageHandler(() =>
  environmentServices({ usage: composeUsage }),
);
