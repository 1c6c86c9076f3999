import fc from 'fast-check';
import { DEFAULT_PART_BYTES, partLength, planParts } from '../../../lambdas/core/part-plan.js';
import { MAX_PART_BYTES, MAX_PART_COUNT, MIN_PART_BYTES } from '../../../lambdas/core/s3-limits.js';
import { draftFailure } from '../../helpers/s3-faults.js';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const TIB = 1024 ** 4;

describe('planParts: the server-chosen part size', () => {
  it.each([
    ['1 byte, default size', 1, undefined, DEFAULT_PART_BYTES, 1],
    ['23 MiB in 5 MiB parts', 23 * MIB, 5 * MIB, 5 * MIB, 5],
    ['exactly 16 MiB by default', 16 * MIB, undefined, 16 * MIB, 1],
    ['16 MiB + 1 by default', 16 * MIB + 1, undefined, 16 * MIB, 2],
    ['a client part size below 5 MiB is raised to 5 MiB', 20 * MIB, 1024, MIN_PART_BYTES, 4],
    ['5 TiB is raised to 525 MiB parts', 5 * TIB, undefined, 525 * MIB, 9987],
    [
      '156.25 GiB at 16 MiB is exactly 10,000 parts',
      10_000 * 16 * MIB,
      undefined,
      16 * MIB,
      10_000,
    ],
    ['one byte more needs 17 MiB parts', 10_000 * 16 * MIB + 1, undefined, 17 * MIB, 9412],
  ])('%s', (_label, length, requested, partSize, partCount) => {
    expect(planParts(length, requested)).toEqual({ contentLength: length, partSize, partCount });
  });

  it('always covers the object in at most 10,000 parts of 5 MiB to 5 GiB (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 * TIB }),
        fc.option(fc.integer({ min: 1, max: MAX_PART_BYTES }), { nil: undefined }),
        (length, requested) => {
          const plan = planParts(length, requested);
          expect(plan.partSize).toBeGreaterThanOrEqual(MIN_PART_BYTES);
          expect(plan.partSize).toBeLessThanOrEqual(MAX_PART_BYTES);
          expect(plan.partCount).toBeLessThanOrEqual(MAX_PART_COUNT);
          expect(plan.partSize).toBeGreaterThanOrEqual(requested ?? DEFAULT_PART_BYTES);
          const last = partLength(plan, plan.partCount);
          expect(last).toBeGreaterThan(0);
          expect(last).toBeLessThanOrEqual(plan.partSize);
          expect(plan.partSize * (plan.partCount - 1) + last).toBe(length);
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });

  it('refuses an empty upload and a part size over 5 GiB as invalid_request', async () => {
    const empty = await draftFailure(Promise.resolve().then(() => planParts(0)));
    const huge = await draftFailure(Promise.resolve().then(() => planParts(GIB, 5 * GIB + 1)));
    expect([empty.code, empty.message]).toEqual([
      'invalid_request',
      'content_length: a multipart upload carries at least 1 byte.',
    ]);
    expect([huge.code, huge.message]).toEqual([
      'invalid_request',
      `part_size: must be at most ${MAX_PART_BYTES} bytes (S3's largest part).`,
    ]);
  });
});

describe('partLength', () => {
  const plan = planParts(23 * MIB, 5 * MIB);

  it('is the part size for every part but the last, which holds the rest', () => {
    expect([1, 2, 3, 4, 5].map((n) => partLength(plan, n))).toEqual([
      5 * MIB,
      5 * MIB,
      5 * MIB,
      5 * MIB,
      3 * MIB,
    ]);
  });

  it.each([0, 6, 1.5, -1])('refuses part %p, naming the field and the range', async (n) => {
    const error = await draftFailure(Promise.resolve().then(() => partLength(plan, n, 'parts')));
    expect([error.code, error.message]).toEqual([
      'invalid_request',
      `parts: ${n} is outside this upload's parts 1..5.`,
    ]);
  });
});
