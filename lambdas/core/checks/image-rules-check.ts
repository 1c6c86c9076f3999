import { DraftError } from '../errors.js';
import type { ConfirmCheck, DraftUnderCheck, Findings } from './confirm-check.js';
import { canonicalType } from './type-agreement.js';

/** Reads an image's size from its header bytes. */
export interface ImageMeasurer {
  /** The types it can measure (canonical spellings: `image/jpeg`, not `image/jpg`). */
  readonly types: ReadonlySet<string>;
  /** Width and height from the header, or undefined when the bytes do not hold them. */
  measure(type: string, header: Uint8Array): { width: number; height: number } | undefined;
}

export interface ImageLimits {
  /** 0: no limit of its own. */
  readonly maxWidth: number;
  readonly maxHeight: number;
  readonly maxPixels: number;
}

/**
 * The most a late header is searched for: a JPEG's SOF follows its APPn segments (EXIF,
 * ICC profile, XMP: up to 64 KiB each), so a second read of this much finds it in any
 * camera's file, and a file that needs more is refused rather than read further.
 */
export const IMAGE_HEADER_MAX_BYTES = 256 * 1024;

const sizeOf = (width: number, height: number) => `${width} × ${height}`;

/**
 * Refuses a declared image whose header cannot be read (`image_unreadable`) or whose size
 * is over the limits (`image_too_large`); passes its width and height on.
 */
export const imageRulesCheck = (measurer: ImageMeasurer, limits: ImageLimits): ConfirmCheck => ({
  name: 'image-rules',
  async inspect(draft: DraftUnderCheck): Promise<Findings> {
    const declared = draft.declaredType;
    const type = declared === undefined ? undefined : canonicalType(declared);
    if (type === undefined || !measurer.types.has(type)) return {};
    const head = await draft.head();
    let size = measurer.measure(type, head);
    if (size === undefined && draft.info.size > head.length) {
      // A header past the first read (a JPEG behind large EXIF/ICC segments): one bounded read more.
      size = measurer.measure(type, await draft.range(0, IMAGE_HEADER_MAX_BYTES));
    }
    if (size === undefined) {
      throw new DraftError(
        'content_rejected',
        `The draft is declared ${declared} but its header cannot be read (truncated or corrupt).`,
        { reason: 'image_unreadable' },
      );
    }
    const { width, height } = size;
    const over =
      (limits.maxWidth > 0 && width > limits.maxWidth
        ? `wider than ${limits.maxWidth} pixels`
        : undefined) ??
      (limits.maxHeight > 0 && height > limits.maxHeight
        ? `taller than ${limits.maxHeight} pixels`
        : undefined) ??
      (limits.maxPixels > 0 && width * height > limits.maxPixels
        ? `more than ${limits.maxPixels} pixels`
        : undefined);
    if (over !== undefined) {
      throw new DraftError('content_rejected', `The image is ${sizeOf(width, height)}: ${over}.`, {
        reason: 'image_too_large',
      });
    }
    return { width, height };
  },
});
