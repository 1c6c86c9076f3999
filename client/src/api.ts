import { DraftStoreError } from './errors.js';
import { fetchText } from './fetch-text.js';
import { parseRetryAfter } from './retry-after.js';
import { withRetry, type RetryPolicy } from './retry.js';

export interface ApiOptions {
  readonly baseUrl: string;
  readonly token?: string | undefined;
  readonly fetch: typeof fetch;
  readonly retry: RetryPolicy;
}

/** JSON POSTs to the REST API; `{error: {code, message}}` answers become DraftStoreError. */
export class Api {
  constructor(private readonly options: ApiOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /**
   * Transient failures are retried on every route. A repeated multipart create may leave
   * an empty upload behind (the first answer lost): the server's sweep aborts it once it
   * is older than the draft lifetime, as it does any abandoned upload. A repeated
   * complete answers as the first one did.
   */
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return withRetry(this.options.retry, signal, () => this.once<T>(path, body, signal));
  }

  private async once<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}${path}`;
    const { response, text } = await fetchText(
      this.options.fetch,
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.token && { authorization: `Bearer ${this.options.token}` }),
        },
        body: JSON.stringify(body),
        ...(signal && { signal }),
      },
      path,
    );
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed !== undefined) return parsed as T;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const advice = retryAfterMs === undefined ? {} : { retryAfterMs };
    const error = (
      parsed as { error?: { code?: unknown; message?: unknown; reason?: unknown } } | undefined
    )?.error;
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      throw new DraftStoreError(response.status, error.code, error.message, {
        ...(typeof error.reason === 'string' && { reason: error.reason }),
        ...advice,
      });
    }
    throw new DraftStoreError(
      response.status,
      response.ok ? 'invalid_response' : `http_${response.status}`,
      `${path} answered ${response.status} without a DraftStore JSON body`,
      advice,
    );
  }
}
