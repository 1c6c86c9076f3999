import type { RangeRequest } from '../../../../lambdas/core/checks/confirm-check.js';
import { draftUnderCheck, HEAD_BYTES } from '../../../../lambdas/core/checks/draft-under-check.js';
import {
  IMAGE_HEADER_MAX_BYTES,
  imageRulesCheck,
  type ImageLimits,
} from '../../../../lambdas/core/checks/image-rules-check.js';
import { DraftError } from '../../../../lambdas/core/errors.js';
import { DEFAULT_IMAGE_MAX_PIXELS } from '../../../../lambdas/config.js';
import { imageMeasurer } from '../../../../lambdas/inspection/image-measurer.js';
import { avif, gif, jpeg, png, webp } from '../../../helpers/content-samples.js';

const NO_LIMITS: ImageLimits = { maxWidth: 0, maxHeight: 0, maxPixels: 0 };

/** The real check and image-size over bytes as a store would serve them, counting reads. */
const measure = async (bytes: Uint8Array, contentType: string, limits = NO_LIMITS) => {
  const reads: RangeRequest[] = [];
  const draft = draftUnderCheck(
    {
      readRange: async (request) => {
        reads.push(request);
        return bytes.subarray(request.start, request.start + request.length);
      },
      readStream: () => Promise.reject(new Error('these checks never stream')),
    },
    'drafts',
    'alice/image',
    { size: bytes.length, etag: '"e"', metadata: {}, contentType },
  );
  try {
    return { found: await imageRulesCheck(imageMeasurer, limits).inspect(draft, {}), reads };
  } catch (error) {
    if (!(error instanceof DraftError)) throw error;
    return { refused: { code: error.code, reason: error.reason, message: error.message }, reads };
  }
};

describe('the image rules (image-size over header bytes)', () => {
  it.each([
    ['PNG', png(640, 480), 'image/png'],
    ['JPEG', jpeg(640, 480), 'image/jpeg'],
    ['JPEG as image/jpg', jpeg(640, 480), 'image/jpg'],
    ['GIF', gif(640, 480), 'image/gif'],
    ['WebP', webp(640, 480), 'image/webp'],
    ['AVIF', avif(640, 480), 'image/avif'],
  ])(
    'reads the width and height of a %s from its first read alone',
    async (_label, bytes, type) => {
      const { found, reads } = await measure(bytes, type);
      expect(found).toEqual({ width: 640, height: 480 });
      expect(reads.map((read) => [read.start, read.length])).toEqual([[0, HEAD_BYTES]]);
    },
  );

  it('finds a JPEG SOF past the first read with one bounded second read', async () => {
    const late = jpeg(4000, 3000, 100_000);
    expect(late.indexOf(Buffer.from([0xff, 0xc0]), 4)).toBeGreaterThan(HEAD_BYTES);
    const { found, reads } = await measure(late, 'image/jpeg');
    expect(found).toEqual({ width: 4000, height: 3000 });
    expect(reads.map((read) => [read.start, read.length])).toEqual([
      [0, HEAD_BYTES],
      [0, IMAGE_HEADER_MAX_BYTES],
    ]);
  });

  it('refuses a JPEG whose SOF lies beyond the bounded second read as image_unreadable', async () => {
    const { refused, reads } = await measure(jpeg(10, 10, 400_000), 'image/jpeg');
    expect(refused).toMatchObject({ code: 'content_rejected', reason: 'image_unreadable' });
    expect(reads).toHaveLength(2);
  });

  it.each([
    ['a PNG cut inside its header', png(64, 64).subarray(0, 20), 'image/png'],
    ['a JPEG cut before its SOF', jpeg(64, 64).subarray(0, 22), 'image/jpeg'],
    ['GIF bytes declared WebP', gif(2, 2), 'image/webp'],
    ['no bytes at all', Buffer.alloc(0), 'image/png'],
  ])('refuses %s as image_unreadable, not a failure', async (_label, bytes, type) => {
    expect((await measure(bytes, type)).refused).toEqual({
      code: 'content_rejected',
      reason: 'image_unreadable',
      message: `The draft is declared ${type} but its header cannot be read (truncated or corrupt).`,
    });
  });

  it('refuses a 40,000 × 40,000 PNG under the default pixel cap, and takes 16383 × 16383', async () => {
    const limits = { maxWidth: 0, maxHeight: 0, maxPixels: DEFAULT_IMAGE_MAX_PIXELS };
    expect((await measure(png(40_000, 40_000), 'image/png', limits)).refused).toEqual({
      code: 'content_rejected',
      reason: 'image_too_large',
      message: `The image is 40000 × 40000: more than ${DEFAULT_IMAGE_MAX_PIXELS} pixels.`,
    });
    expect((await measure(png(16_383, 16_383), 'image/png', limits)).found).toEqual({
      width: 16_383,
      height: 16_383,
    });
  });

  it('holds width and height to their limits, each on both sides of the boundary', async () => {
    const limits = { maxWidth: 1000, maxHeight: 500, maxPixels: 0 };
    expect((await measure(png(1000, 500), 'image/png', limits)).found).toEqual({
      width: 1000,
      height: 500,
    });
    expect((await measure(png(1001, 500), 'image/png', limits)).refused?.message).toBe(
      'The image is 1001 × 500: wider than 1000 pixels.',
    );
    expect((await measure(png(1000, 501), 'image/png', limits)).refused?.message).toBe(
      'The image is 1000 × 501: taller than 500 pixels.',
    );
  });

  it('leaves types it does not measure alone, without a read', async () => {
    expect(await measure(Buffer.from('hello'), 'text/plain')).toEqual({ found: {}, reads: [] });
    expect(await measure(Buffer.from('<svg/>'), 'image/svg+xml')).toEqual({ found: {}, reads: [] });
  });
});
