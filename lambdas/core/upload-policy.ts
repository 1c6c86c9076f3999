import { DraftError } from './errors.js';

export interface UploadPolicy {
  readonly maxUploadBytes: number;
  /** Exact types (`image/png`) or wildcards (`image/*`); empty means any type. */
  readonly allowedContentTypes: readonly string[];
}

/** The media type without parameters, lower-cased: `Text/Plain; charset=utf-8` → `text/plain`. */
export const essence = (contentType: string): string =>
  (contentType.split(';')[0] ?? '').trim().toLowerCase();

export const isContentTypeAllowed = (
  policy: UploadPolicy,
  contentType: string | undefined,
): boolean => {
  if (policy.allowedContentTypes.length === 0) return true;
  if (contentType === undefined) return false;
  const type = essence(contentType);
  return policy.allowedContentTypes.some((allowed) => {
    const pattern = allowed.toLowerCase();
    return pattern.endsWith('/*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
  });
};

/** Throws the matching client error when a declared or stored object breaks the policy. */
export const enforcePolicy = (
  policy: UploadPolicy,
  object: { contentType?: string | undefined; size?: number | undefined },
): void => {
  if (object.size !== undefined && object.size > policy.maxUploadBytes) {
    throw new DraftError(
      'payload_too_large',
      `The object is ${object.size} bytes; the limit is ${policy.maxUploadBytes} bytes.`,
    );
  }
  if (!isContentTypeAllowed(policy, object.contentType)) {
    throw new DraftError(
      'unsupported_media_type',
      object.contentType === undefined
        ? `A content type is required; allowed: ${policy.allowedContentTypes.join(', ')}.`
        : `Content type "${essence(object.contentType)}" is not allowed; allowed: ${policy.allowedContentTypes.join(', ')}.`,
    );
  }
};
