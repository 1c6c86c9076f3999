import type { Api } from './api.js';
import type { ProgressTracker } from './progress.js';
import type { RetryPolicy } from './retry.js';
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

/** Whether a PUT may go again: transient failures, and a URL that expired (re-signed). */
export const URL_EXPIRED = 'url_expired';
