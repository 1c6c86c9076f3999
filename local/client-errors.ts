import { STATUS_CODES, maxHeaderSize, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorFormatFor } from '../lambdas/http/compat-response.js';

interface ParserError extends Error {
  code?: string;
  rawPacket?: Buffer;
}

const describe = (error: ParserError): [number, string, string] => {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [
        431,
        'request_headers_too_large',
        `The request headers are larger than ${maxHeaderSize} bytes.`,
      ];
    case 'HPE_INVALID_METHOD':
      return [400, 'invalid_request', 'The request method is not a known HTTP method.'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'request_timeout', 'The request was not received in time.'];
    default:
      return [400, 'invalid_request', 'The request is not valid HTTP/1.1.'];
  }
};

/** The target of the request line, when the parser got that far. */
const targetOf = (error: ParserError): string =>
  /^\S+ (\S+)/.exec(error.rawPacket?.toString('latin1') ?? '')?.[1] ?? '/';

/**
 * Node's HTTP parser refuses some requests (an unknown method, oversized headers, a
 * malformed request line) before any handler runs, and by default answers them with
 * an empty body. This answers them as JSON in the shape their path documents, then
 * closes the connection, which is all HTTP allows after a request it could not parse.
 */
export const answerParseErrorsWithJson = (server: Server): void => {
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] = describe(error);
    const body = JSON.stringify(
      errorFormatFor(targetOf(error).split('?')[0] ?? '/')(code, message),
    );
    socket.end(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        'content-type: application/json',
        'cache-control: no-store',
        `content-length: ${Buffer.byteLength(body)}`,
        'connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
};
