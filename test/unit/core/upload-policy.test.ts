import { DraftError } from '../../../lambdas/core/errors.js';
import {
  enforceDeclaration,
  enforcePolicy,
  essence,
  isContentTypeAllowed,
  requiresDeclaredLength,
} from '../../../lambdas/core/upload-policy.js';
import { MAX_SINGLE_PUT_BYTES as SINGLE_PUT_MAX_BYTES } from '../../../lambdas/core/s3-limits.js';

const images = { maxUploadBytes: 100, allowedContentTypes: ['image/*', 'application/pdf'] };
const anything = { maxUploadBytes: 100, allowedContentTypes: [] };

describe('upload policy', () => {
  it('reduces a content type to its lower-case essence', () => {
    expect(essence(' Text/Plain ; charset=UTF-8')).toBe('text/plain');
  });

  it.each([
    ['image/png', true],
    ['IMAGE/JPEG; q=1', true],
    ['application/pdf', true],
    ['application/pdf+zip', false],
    ['imagex/png', false],
    ['text/plain', false],
    [undefined, false],
  ])('with a list, %s allowed is %s', (type, allowed) => {
    expect(isContentTypeAllowed(images, type)).toBe(allowed);
  });

  it('allows any type, or none, when no list is configured', () => {
    expect(isContentTypeAllowed(anything, undefined)).toBe(true);
    expect(isContentTypeAllowed(anything, 'application/x-anything')).toBe(true);
  });

  it('accepts exactly the maximum size and refuses one byte more with payload_too_large', () => {
    expect(() => enforcePolicy(anything, { size: 100 })).not.toThrow();
    expect(() => enforcePolicy(anything, { size: 101 })).toThrow(
      expect.objectContaining({ code: 'payload_too_large' }) as DraftError,
    );
  });

  it('refuses a type outside the list with unsupported_media_type', () => {
    expect(() => enforcePolicy(images, { contentType: 'text/html', size: 1 })).toThrow(
      expect.objectContaining({ code: 'unsupported_media_type' }) as DraftError,
    );
  });

  it('requires a declared length only when a limit below 5 GiB is configured', () => {
    expect(requiresDeclaredLength(anything)).toBe(true);
    expect(requiresDeclaredLength({ ...anything, maxUploadBytes: SINGLE_PUT_MAX_BYTES })).toBe(
      false,
    );
    expect(() => enforceDeclaration(anything, {})).toThrow(
      expect.objectContaining({ code: 'invalid_request' }) as DraftError,
    );
    expect(() =>
      enforceDeclaration({ ...anything, maxUploadBytes: SINGLE_PUT_MAX_BYTES }, {}),
    ).not.toThrow();
  });

  it('checks a declared length and type against the policy', () => {
    expect(() =>
      enforceDeclaration(images, { contentType: 'image/png', contentLength: 100 }),
    ).not.toThrow();
    expect(() =>
      enforceDeclaration(images, { contentType: 'image/png', contentLength: 101 }),
    ).toThrow(expect.objectContaining({ code: 'payload_too_large' }) as DraftError);
    expect(() => enforceDeclaration(images, { contentLength: 1 })).toThrow(
      expect.objectContaining({ code: 'unsupported_media_type' }) as DraftError,
    );
  });
});
