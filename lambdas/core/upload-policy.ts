import { DraftError } from './errors.js';
import { MAX_SINGLE_PUT_BYTES } from './s3-limits.js';

export interface UploadPolicy {
  readonly maxUploadBytes: number;
  /** Exact types (`image/png`) or wildcards (`image/*`); empty means any type. */
  readonly allowedContentTypes: readonly string[];
}

/** The media type without parameters, lower-cased: `Text/Plain; charset=utf-8` → `text/plain`. */
export const essence = (contentType: string): string =>
  (contentType.split(';')[0] ?? '').trim().toLowerCase();

/** Whether a type matches one of `patterns`: exact types or wildcards such as `image/*`. */
export const matchesContentType = (
  patterns: readonly string[],
  contentType: string | undefined,
): boolean => {
  if (contentType === undefined) return false;
  const type = essence(contentType);
  return patterns.some((allowed) => {
    const pattern = allowed.toLowerCase();
    return pattern.endsWith('/*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
  });
};

export const isContentTypeAllowed = (
  policy: UploadPolicy,
  contentType: string | undefined,
): boolean =>
  policy.allowedContentTypes.length === 0 ||
  matchesContentType(policy.allowedContentTypes, contentType);

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

/**
 * Whether a presigned PUT must carry a declared (and so signed) length. With a limit
 * below S3's own 5 GiB, only a signed Content-Length holds the store to it; without
 * one (no limit configured) clients may still omit it, as the original DraftStore allowed.
 */
export const requiresDeclaredLength = (policy: UploadPolicy): boolean =>
  policy.maxUploadBytes < MAX_SINGLE_PUT_BYTES;

/**
 * Checks what a client declares before an upload is signed: what `enforcePolicy` checks
 * (a type whenever ALLOWED_CONTENT_TYPES is set), then a length whenever a limit is
 * configured (see requiresDeclaredLength).
 */
export const enforceDeclaration = (
  policy: UploadPolicy,
  declared: { contentType?: string | undefined; contentLength?: number | undefined },
): void => {
  enforcePolicy(policy, { contentType: declared.contentType, size: declared.contentLength });
  if (declared.contentLength !== undefined && declared.contentLength > MAX_SINGLE_PUT_BYTES) {
    throw new DraftError(
      'payload_too_large',
      `The object is ${declared.contentLength} bytes; one PUT carries at most ${MAX_SINGLE_PUT_BYTES} bytes: use a multipart upload (/api/v1/multipart/create).`,
    );
  }
  if (declared.contentLength === undefined && requiresDeclaredLength(policy)) {
    throw new DraftError(
      'invalid_request',
      `A content length is required: uploads are limited to ${policy.maxUploadBytes} bytes, and the length is signed into the upload URL.`,
    );
  }
};
