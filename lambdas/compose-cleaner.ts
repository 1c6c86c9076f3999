import type { CleanerParts, Sweeper } from './compose.js';
import { Cleaner } from './core/cleaner.js';
import { logger } from './observability/logger.js';

/** ComposeOptions.cleaner: the sweep over the configured store and buckets. */
export const composeCleaner = ({ config, store, clock }: CleanerParts): Sweeper =>
  new Cleaner({
    store,
    bucket: config.buckets.draft,
    // Only confirm starts multipart uploads there; those it could not abort are swept.
    mainBucket: config.buckets.main,
    lifetimeSeconds: config.objectLifetimeSeconds,
    log: logger,
    ...(clock && { clock }),
  });
