import { createHash } from 'node:crypto';
import {
  OBJECT_CONFIRMED,
  OBJECT_REJECTED,
  type ConfirmationEvents,
  type ObjectConfirmed,
  type ObjectRejected,
} from '../core/confirmation-events.js';
import { DraftError } from '../core/errors.js';

export interface WebhookOptions {
  /** EVENT_WEBHOOK_URL. */
  readonly url: string;
  /** @default 4 */
  readonly attempts?: number;
  /** Delay before the second attempt, doubled for each further one. @default 200 */
  readonly firstDelayMs?: number;
  /** @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * POSTs `{id, "detail-type": "draftstore.object.confirmed" (or `.rejected`), time, detail}` to a webhook,
 * retrying network failures, timeouts, 429 and 5xx with exponential backoff. The id is the
 * same for every delivery of one confirmation (bucket, key, etag), so a receiver can drop
 * the duplicates at-least-once delivery allows. When every attempt fails it throws, and the
 * confirm fails with it: the draft stays, and the client's retry publishes again.
 */
export const webhookPublisher = (options: WebhookOptions): ConfirmationEvents => {
  const attempts = options.attempts ?? 4;
  const firstDelayMs = options.firstDelayMs ?? 200;
  const timeoutMs = options.timeoutMs ?? 5000;
  /** One event, delivered with retries; the id is the same for every delivery of it. */
  const deliver = async (detailType: string, identity: string, detail: unknown) => {
    const body = JSON.stringify({
      id: createHash('sha256').update(identity).digest('hex').slice(0, 32),
      'detail-type': detailType,
      source: 'draftstore',
      time: new Date().toISOString(),
      detail,
    });
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) await sleep(firstDelayMs * 2 ** (attempt - 2));
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
        if (response.ok) return;
        last = `HTTP ${response.status}`;
        if (response.status !== 429 && response.status < 500) break;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
    }
    throw new DraftError(
      'storage_unavailable',
      'The confirmation event could not be delivered; confirm again.',
      { cause: new Error(`webhook: ${last} after ${attempts} attempts`) },
    );
  };
  return {
    objectConfirmed: (event: ObjectConfirmed) =>
      deliver(OBJECT_CONFIRMED, `${event.bucket}\n${event.key}\n${event.etag}`, event),
    objectRejected: (event: ObjectRejected) =>
      deliver(OBJECT_REJECTED, `rejected\n${event.key}\n${event.etag}`, event),
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
