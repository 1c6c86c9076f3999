import { createReadStream } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { abortedError, DraftStoreError } from './errors.js';
import { partLength } from './source.js';
import type { PutTransport } from './transport.js';

// Parts of one upload reuse connections, as the aws CLI does.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

/** Socket silence (nothing sent, nothing received) after which a PUT is given up. */
const IDLE_TIMEOUT_MS = 120_000;

/** The most of a store's answer body kept: S3 error documents are well below it. */
const MAX_ANSWER_BYTES = 64 * 1024;

// Small writes, so that progress moves while a part held in memory goes out.
function* chunksOf(bytes: Uint8Array): Generator<Buffer> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let offset = 0; offset < buffer.length; offset += 256 * 1024) {
    yield buffer.subarray(offset, offset + 256 * 1024);
  }
}

/**
 * PUT over node:http(s) with a fixed Content-Length and a counted body stream: fetch
 * would send a stream body chunked, which S3 refuses for presigned PUTs.
 */
export const createNodeTransport =
  (options: { readonly idleTimeoutMs?: number } = {}): PutTransport =>
  ({ url, headers, body, onProgress, signal }) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortedError());
      const length = partLength(body);
      const hasLength = Object.keys(headers).some(
        (name) => name.toLowerCase() === 'content-length',
      );
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      let settled = false;
      let answerDeadline: NodeJS.Timeout | undefined;
      const settle = () => {
        settled = true;
        clearTimeout(answerDeadline);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (error: DraftStoreError) => {
        if (settled) return;
        settle();
        reject(error);
      };
      let req: ClientRequest;
      try {
        req = send(target, {
          method: 'PUT',
          headers: hasLength ? headers : { ...headers, 'content-length': String(length) },
          agent: target.protocol === 'https:' ? httpsAgent : httpAgent,
        });
      } catch (error) {
        // Headers or a URL no request can carry (a CR LF in a value): the API signed nonsense.
        return reject(
          new DraftStoreError(
            502,
            'invalid_response',
            `The signed PUT is unusable: ${String(error)}`,
          ),
        );
      }
      // Once the body is out, a store answers in seconds. One that trickles its answer a
      // byte at a time never trips the idle timeout, so the whole answer gets that long too.
      req.on('finish', () => {
        if (settled) return;
        answerDeadline = setTimeout(() => {
          fail(new DraftStoreError(0, 'network_error', 'PUT answer too slow: gave up waiting'));
          req.destroy();
        }, options.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
        answerDeadline.unref();
      });
      const onAbort = () => {
        fail(abortedError());
        req.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // A link that dies without a reset (sleep, Wi-Fi, a NAT dropping the flow) would hang
      // the part for ever: silence this long fails it as a network error, which is retried.
      req.setTimeout(options.idleTimeoutMs ?? IDLE_TIMEOUT_MS, () => {
        fail(new DraftStoreError(0, 'network_error', 'PUT stalled: no progress and no answer'));
        req.destroy();
      });
      req.on('error', (error) =>
        fail(
          new DraftStoreError(0, 'network_error', `PUT failed: ${error.message}`, { cause: error }),
        ),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        // Only an error's <Code> and <Message> are read: a huge answer is not held in memory.
        res.on('data', (chunk: Buffer) => {
          if (kept >= MAX_ANSWER_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on('error', (error) =>
          fail(new DraftStoreError(0, 'network_error', `PUT answer broken: ${error.message}`)),
        );
        res.on('end', () => {
          if (settled) return;
          settle();
          const etag = res.headers.etag;
          resolve({
            status: res.statusCode ?? 0,
            etag: typeof etag === 'string' ? etag : null,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      // An empty file: createReadStream cannot express an empty range (end: -1 throws).
      const stream =
        length === 0
          ? Readable.from([])
          : body.kind === 'file'
            ? createReadStream(body.path, {
                start: body.start,
                end: body.end - 1,
                highWaterMark: 256 * 1024,
              })
            : body.kind === 'bytes'
              ? Readable.from(chunksOf(body.bytes))
              : Readable.fromWeb(body.blob.stream() as import('node:stream/web').ReadableStream);
      let sent = 0;
      stream.on('error', (error: Error) =>
        fail(new DraftStoreError(0, 'read_error', `Reading the file failed: ${error.message}`)),
      );
      stream.on('data', (chunk: Buffer | string) => {
        const size = chunk.length;
        const flushed = req.write(chunk, () => {
          sent += size;
          onProgress(sent);
        });
        if (!flushed) {
          stream.pause();
          req.once('drain', () => stream.resume());
        }
      });
      stream.on('end', () => req.end());
      req.on('close', () => stream.destroy());
    });

export const nodeTransport: PutTransport = createNodeTransport();
