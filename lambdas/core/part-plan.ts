import { DraftError } from './errors.js';
import { MAX_PART_BYTES, MAX_PART_COUNT, MIN_PART_BYTES } from './s3-limits.js';

const MIB = 1024 ** 2;

/** The most part URLs one sign-parts call returns. */
export const MAX_PARTS_PER_SIGN = 100;
/** The part size when the client names none: few enough requests, small enough to retry. */
export const DEFAULT_PART_BYTES = 16 * MIB;

/** How an upload of `contentLength` bytes is cut: every part `partSize` bytes but the last. */
export interface PartPlan {
  readonly contentLength: number;
  readonly partSize: number;
  readonly partCount: number;
}

/**
 * The part size the server chooses: the client's, or 16 MiB, raised (to whole MiB) so that
 * there are at most 10,000 parts and never below S3's 5 MiB minimum.
 */
export const planParts = (contentLength: number, requestedPartSize?: number): PartPlan => {
  if (!Number.isSafeInteger(contentLength) || contentLength < 1) {
    throw new DraftError(
      'invalid_request',
      'content_length: a multipart upload carries at least 1 byte.',
    );
  }
  if (requestedPartSize !== undefined && requestedPartSize > MAX_PART_BYTES) {
    throw new DraftError(
      'invalid_request',
      `part_size: must be at most ${MAX_PART_BYTES} bytes (S3's largest part).`,
    );
  }
  const fewEnoughParts = Math.ceil(Math.ceil(contentLength / MAX_PART_COUNT) / MIB) * MIB;
  const partSize = Math.max(
    requestedPartSize ?? DEFAULT_PART_BYTES,
    MIN_PART_BYTES,
    fewEnoughParts,
  );
  if (partSize > MAX_PART_BYTES) {
    throw new DraftError(
      'payload_too_large',
      `The object is ${contentLength} bytes; S3 stores at most ${MAX_PART_COUNT} parts of ${MAX_PART_BYTES} bytes.`,
    );
  }
  return { contentLength, partSize, partCount: Math.ceil(contentLength / partSize) };
};

/** The exact length of part `partNumber` (from 1): the plan's part size, or the remainder for the last. */
export const partLength = (plan: PartPlan, partNumber: number, field = 'part_numbers'): number => {
  if (!Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > plan.partCount) {
    throw new DraftError(
      'invalid_request',
      `${field}: ${partNumber} is outside this upload's parts 1..${plan.partCount}.`,
    );
  }
  return partNumber < plan.partCount
    ? plan.partSize
    : plan.contentLength - plan.partSize * (plan.partCount - 1);
};
