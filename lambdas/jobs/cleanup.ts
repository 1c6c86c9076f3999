import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { environmentServices } from '../compose.js';
import { composeCleaner } from '../compose-cleaner.js';
import type { Cleaner, SweepSummary } from '../core/cleaner.js';
import { MAX_KEY_BYTES } from '../core/s3-limits.js';
import { logger as sharedLogger } from '../observability/logger.js';

/**
 * What a schedule may pass as the rule's constant input. EventBridge's own scheduled
 * event carries neither field, so it runs a full sweep; its other fields are ignored.
 */
export const cleanupEventSchema = z.object({
  dryRun: z.optional(z.boolean()),
  // '/' names no owner; refused here, as '' is, so that it reads as a bad event.
  prefix: z.optional(
    z.string().check(
      z.trim(),
      z.minLength(1),
      z.maxLength(MAX_KEY_BYTES),
      z.refine((prefix) => prefix !== '/', 'prefix must name an owner, e.g. "alice/"'),
    ),
  ),
});

export type CleanupEvent = z.output<typeof cleanupEventSchema>;

/** The part of the Powertools Logger the job uses. */
export interface CleanupLogger {
  addContext(context: Context): void;
  info(message: string, attributes: Record<string, unknown>): void;
}

/** The part of Powertools Metrics the job uses. */
export interface CleanupMetrics {
  addMetric(
    name: string,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
  ): unknown;
  publishStoredMetrics(): void;
}

export interface CleanupHandlerOptions {
  /** Resolved on each invocation, so a bad environment fails the invocation, not the import. */
  readonly cleaner: () => Pick<Cleaner, 'sweep'>;
  readonly logger: CleanupLogger;
  readonly metrics: CleanupMetrics;
}

/** The scheduled cleanup job: a thin adapter from an EventBridge invocation to Cleaner.sweep. */
export const createCleanupHandler =
  (options: CleanupHandlerOptions) =>
  async (event: unknown, context: Context): Promise<SweepSummary> => {
    options.logger.addContext(context);
    const parsed = cleanupEventSchema.safeParse(event ?? {});
    if (!parsed.success) {
      throw new TypeError(`Invalid cleanup event: ${z.prettifyError(parsed.error)}`);
    }
    const { dryRun, prefix } = parsed.data;
    try {
      const summary = await options.cleaner().sweep({
        remainingTimeMs: () => context.getRemainingTimeInMillis(),
        ...(dryRun !== undefined && { dryRun }),
        ...(prefix !== undefined && { prefix }),
      });
      options.logger.info('Cleanup sweep finished', {
        cleanup: { ...summary, ...(prefix !== undefined && { prefix }) },
      });
      options.metrics.addMetric('deleted', MetricUnit.Count, summary.deleted);
      options.metrics.addMetric('failed', MetricUnit.Count, summary.failed);
      options.metrics.addMetric('bytesFreed', MetricUnit.Bytes, summary.bytesFreed);
      // A listing of uploads that keeps failing (e.g. a denied permission) must be visible.
      options.metrics.addMetric(
        'uploadListingFailures',
        MetricUnit.Count,
        summary.uploadListingFailures,
      );
      options.metrics.addMetric('incomplete', MetricUnit.Count, summary.complete ? 0 : 1);
      return summary;
    } finally {
      options.metrics.publishStoredMetrics();
    }
  };

const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'DraftStore',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'draftstore',
});

export const handler = createCleanupHandler({
  cleaner: () => environmentServices({ cleaner: composeCleaner }).cleaner,
  logger: sharedLogger,
  metrics,
});
