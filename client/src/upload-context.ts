import type { Api } from './api.js';
import { DraftStoreError } from './errors.js';
import type { ProgressTracker } from './progress.js';
import { isTransient, type RetryPolicy } from './retry.js';
import type { PutTransport } from './transport.js';

/** What one upload's steps share. */
export interface UploadContext {
  readonly api: Api;
  readonly transport: PutTransport;
  readonly retry: RetryPolicy;
  readonly progress: ProgressTracker;
  readonly signal?: AbortSignal | undefined;
  readonly checksum: 'md5' | false;
  readonly now: () => number;
}

/** The code of a PUT refused because its URL expired: the retry signs a fresh one. */
export const URL_EXPIRED = 'url_expired';

/** Whether a PUT may go again: transient failures, and a URL that expired (re-signed). */
export const isRetryablePut = (error: unknown): boolean =>
  isTransient(error) || (error instanceof DraftStoreError && error.code === URL_EXPIRED);
