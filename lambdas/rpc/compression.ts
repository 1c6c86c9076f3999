import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, gunzip, gzip } from 'node:zlib';
import { Code, ConnectError } from '@connectrpc/connect';
import type { Compression } from '@connectrpc/connect/protocol';

// zlib answers Buffers of their own (never over a SharedArrayBuffer), as Connect requires.
type Zlib = (
  bytes: Uint8Array,
  options: { maxOutputLength?: number },
) => Promise<Buffer<ArrayBuffer>>;

/**
 * A Connect compression on Node's zlib. Written here rather than taken from connect-node,
 * whose copy (with its error helpers) would carry the Connect bundle over its budget.
 * A body that does not inflate is the client's mistake (invalid_argument), and one that
 * inflates past the read limit is refused as soon as it crosses it (resource_exhausted):
 * a few KiB of gzip can hold gigabytes.
 */
const zlibCompression = (name: string, compress: Zlib, decompress: Zlib): Compression => ({
  name,
  compress: (bytes) => compress(bytes, {}),
  decompress: async (bytes, readMaxBytes) => {
    if (bytes.length === 0) return new Uint8Array(0);
    try {
      return await decompress(bytes, { maxOutputLength: readMaxBytes });
    } catch (error) {
      // Node's own errors; not `instanceof Error` in every realm (jest's), so read the code.
      throw (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE'
        ? new ConnectError(
            `The message is larger than ${readMaxBytes} bytes once decompressed.`,
            Code.ResourceExhausted,
          )
        : new ConnectError(`The message is not valid ${name}.`, Code.InvalidArgument);
    }
  },
});

/**
 * gzip and br: what every draft.v1 server accepts (the Lambda function URL and both local
 * ports), so a client that compresses works the same locally and in AWS.
 */
export const ACCEPT_COMPRESSION: readonly Compression[] = [
  zlibCompression('gzip', promisify(gzip), promisify(gunzip)),
  zlibCompression('br', promisify(brotliCompress), promisify(brotliDecompress)),
];

/** The names of ACCEPT_COMPRESSION, as they appear in encoding headers. */
export const ACCEPTED_ENCODINGS: readonly string[] = ACCEPT_COMPRESSION.map(({ name }) => name);
