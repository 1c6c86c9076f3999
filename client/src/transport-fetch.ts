import { fetchText } from './fetch-text.js';
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
    const { response, text } = await fetchText(
      fetchImpl,
      url,
      {
        method: 'PUT',
        headers: withoutContentLength(headers),
        body: payload,
        ...(signal && { signal }),
      },
      'PUT',
    );
    if (response.ok) onProgress(partLength(body));
    return { status: response.status, etag: response.headers.get('etag'), body: text };
  };
