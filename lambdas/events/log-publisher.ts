import type { Logger } from '@aws-lambda-powertools/logger';
import {
  OBJECT_CONFIRMED,
  OBJECT_REJECTED,
  type ConfirmationEvents,
  type ObjectConfirmed,
} from '../core/confirmation-events.js';

/** Publishes each confirmation as one structured log line: `{"message":"draftstore.object.confirmed","event":{...}}`. */
export const logPublisher = (logger: Pick<Logger, 'info'>): ConfirmationEvents => ({
  objectConfirmed: async (event: ObjectConfirmed) => {
    logger.info(OBJECT_CONFIRMED, { event });
  },
  objectRejected: async (event) => {
    logger.info(OBJECT_REJECTED, { event });
  },
});

/** Publishes to each in turn; the first that throws fails the confirm (which is then retried). */
export const allPublishers = (...publishers: ConfirmationEvents[]): ConfirmationEvents => ({
  objectConfirmed: async (event) => {
    for (const publisher of publishers) await publisher.objectConfirmed(event);
  },
  objectRejected: async (event) => {
    for (const publisher of publishers) await publisher.objectRejected(event);
  },
});
