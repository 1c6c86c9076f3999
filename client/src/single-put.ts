import { checkTicket } from './answers.js';
import { DraftStoreError } from './errors.js';
import { checksummed } from './part-checksum.js';
import { withRetry } from './retry.js';
import type { UploadSource } from './source.js';
import { isExpiredUrl, storeError } from './store-error.js';
import { isRetryablePut, URL_EXPIRED, type UploadContext } from './upload-context.js';
import type { UploadUrlRequest, UploadUrlResponse } from './wire.js';

/**
 * One presigned PUT of the whole file. Every attempt asks for a fresh URL, so a retry
 * after a long failure never meets an expired signature.
 */
export const singlePut = async (
  context: UploadContext,
  source: UploadSource,
  objectName: string,
  contentType: string | undefined,
): Promise<{ etag: string | null }> => {
  const { body, contentMd5 } = await checksummed(source.slice(0, source.size), context.checksum);
  const request: UploadUrlRequest = {
    object_name: objectName,
    content_length: source.size,
    ...(contentType && { content_type: contentType }),
    ...(contentMd5 && { content_md5: contentMd5 }),
  };
  return withRetry(
    context.retry,
    context.signal,
    async () => {
      const ticket = checkTicket(
        await context.api.post<UploadUrlResponse>('/api/v1/upload-url', request, context.signal),
      );
      const response = await context.transport({
        url: ticket.upload_url,
        headers: ticket.headers,
        body,
        onProgress: (sent) => context.progress.report(1, sent),
        signal: context.signal,
      });
      if (response.status >= 200 && response.status < 300) return { etag: response.etag };
      if (isExpiredUrl(response, Date.parse(ticket.expires_at), context.now())) {
        throw new DraftStoreError(403, URL_EXPIRED, 'The upload URL expired before the PUT.');
      }
      throw storeError(response);
    },
    isRetryablePut,
  );
};
