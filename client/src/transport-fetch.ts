import { abortedError, DraftStoreError } from './errors.js';
import { partLength, readPart } from './source.js';
import { withoutContentLength, type PutTransport } from './transport.js';

/**
 * PUT through fetch: progress only per finished body (fetch has no upload events). Used
 * where neither XMLHttpRequest nor node:http exists, and by tests with a fake fetch.
 */
export const fetchTransport =
  (fetchImpl: typeof fetch): PutTransport =>
  async ({ url, headers, body, onProgress, signal }) => {
    const payload =
      body.kind === 'blob'
        ? body.blob
        : new Blob([(await readPart(body)) as Uint8Array<ArrayBuffer>]);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'PUT',
        headers: withoutContentLength(headers),
        body: payload,
        ...(signal && { signal }),
      });
    } catch (error) {
      if (signal?.aborted) throw abortedError();
      throw new DraftStoreError(0, 'network_error', `PUT failed: ${String(error)}`, {
        cause: error,
      });
    }
    // A body cut off mid-way (a reset connection) is no answer to judge: retried.
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw abortedError();
      throw new DraftStoreError(0, 'network_error', `PUT answer cut off: ${String(error)}`, {
        cause: error,
      });
    }
    if (response.ok) onProgress(partLength(body));
    return { status: response.status, etag: response.headers.get('etag'), body: text };
  };
