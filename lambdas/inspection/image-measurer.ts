import { GIF } from 'image-size/types/gif';
import { HEIF } from 'image-size/types/heif';
import type { IImage } from 'image-size/types/interface';
import { JPG } from 'image-size/types/jpg';
import { PNG } from 'image-size/types/png';
import { View } from 'image-size/types/view';
import { WEBP } from 'image-size/types/webp';
import type { ImageMeasurer } from '../core/checks/image-rules-check.js';

/** Only the formats confirm measures, so the bundle carries only their parsers (image-size). */
const PARSERS: ReadonlyMap<string, IImage> = new Map([
  ['image/png', PNG],
  ['image/jpeg', JPG],
  ['image/gif', GIF],
  ['image/webp', WEBP],
  ['image/avif', HEIF],
]);

export const imageMeasurer: ImageMeasurer = {
  types: new Set(PARSERS.keys()),
  measure(type, header) {
    const parser = PARSERS.get(type);
    if (parser === undefined || header.length === 0) return undefined;
    try {
      const view = View.from(header);
      if (!parser.validate(view)) return undefined;
      const { width, height } = parser.calculate(view);
      // A parser that ran off the end of a short buffer may answer zeros or NaN.
      return Number.isSafeInteger(width) && Number.isSafeInteger(height) && width > 0 && height > 0
        ? { width, height }
        : undefined;
    } catch {
      // image-size throws on truncated or corrupt headers: unreadable, not a failure of ours.
      return undefined;
    }
  },
};
