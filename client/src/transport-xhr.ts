import { abortedError, DraftStoreError } from './errors.js';
import { readPart } from './source.js';
import { withoutContentLength, type PutTransport } from './transport.js';

/**
 * The part of XMLHttpRequest used here, declared locally so that the package type-checks
 * without the DOM library (Node projects compile it too).
 */
interface Xhr {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  send(body: Blob): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((event: { loaded: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

export const hasXhr = (): boolean => 'XMLHttpRequest' in globalThis;

/** PUT through XMLHttpRequest: the browser's only source of upload progress events. */
export const xhrTransport: PutTransport = ({ url, headers, body, onProgress, signal }) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const xhr = new (globalThis as unknown as { XMLHttpRequest: new () => Xhr }).XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(withoutContentLength(headers))) {
      xhr.setRequestHeader(name, value);
    }
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      done();
      resolve({ status: xhr.status, etag: xhr.getResponseHeader('etag'), body: xhr.responseText });
    };
    xhr.onerror = () => {
      done();
      reject(new DraftStoreError(0, 'network_error', `PUT to the store failed (network)`));
    };
    xhr.onabort = () => {
      done();
      reject(abortedError());
    };
    if (body.kind === 'blob') xhr.send(body.blob);
    else
      readPart(body).then(
        (bytes) => {
          // Cancelled while the bytes were read: abort() before send() fires no abort
          // event, and send() after it would throw; this promise would never settle.
          if (signal?.aborted) {
            done();
            return reject(abortedError());
          }
          xhr.send(new Blob([bytes as Uint8Array<ArrayBuffer>]));
        },
        (error: unknown) => {
          done();
          reject(new DraftStoreError(0, 'read_error', `Reading the file failed: ${String(error)}`));
        },
      );
  });
