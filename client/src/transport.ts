import type { PartBody } from './source.js';

/** One presigned PUT, sent with exactly the signed headers. */
export interface PutRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: PartBody;
  /** Bytes of this body on the wire so far. */
  readonly onProgress: (sent: number) => void;
  readonly signal?: AbortSignal | undefined;
}

export interface PutResponse {
  readonly status: number;
  /** The ETag header, quotes and all, when the store sent one the client may read. */
  readonly etag: string | null;
  readonly body: string;
}

/**
 * Sends a PUT. Throws DraftStoreError `network_error` when no answer came and `aborted`
 * when the signal fired; any HTTP answer, error or not, is returned for the caller to judge.
 */
export type PutTransport = (request: PutRequest) => Promise<PutResponse>;

/** Browsers and fetch set Content-Length from the body themselves and refuse it as a header. */
export const withoutContentLength = (
  headers: Readonly<Record<string, string>>,
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-length'),
  );
