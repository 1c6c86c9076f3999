import {
  STATUS_CODES,
  maxHeaderSize,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
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

/** A whole JSON answer as raw HTTP/1.1 text, after which the connection closes. */
const rawAnswer = (status: number, path: string, code: string, message: string): string => {
  const body = JSON.stringify(errorFormatFor(path)(code, message));
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'content-type: application/json',
    'cache-control: no-store',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    '',
    body,
  ].join('\r\n');
};

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
    socket.end(rawAnswer(status, targetOf(error).split('?')[0] ?? '/', code, message));
  });
};

/**
 * Answers a parsed request that the server refuses before any route sees it, in the
 * shape its path documents, and closes the connection.
 */
export const refuseRequest = (
  request: IncomingMessage,
  response: ServerResponse,
  [status, code, message]: readonly [number, string, string],
): void => {
  const body = JSON.stringify(
    errorFormatFor((request.url ?? '/').split('?')[0] ?? '/')(code, message),
  );
  response.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  response.end(body);
};

/**
 * Requests Node refuses on its own, with no body at all: CONNECT (it drops the socket
 * without a word when no one listens) and an Expect other than 100-continue (an empty
 * 417). Both get JSON here. A missing Host is the other such case; it needs the server
 * created with `requireHostHeader: false`, and MISSING_HOST answered by the handler.
 */
export const answerRefusedRequestsWithJson = (server: Server): void => {
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    socket.end(rawAnswer(405, '/', 'method_not_allowed', 'CONNECT is not supported here.'));
  });
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) =>
    refuseRequest(request, response, [
      417,
      'invalid_request',
      'Expect: only "100-continue" is supported.',
    ]),
  );
};

/** What an HTTP/1.1 request without Host gets (HTTP/1.0 needs none). */
export const MISSING_HOST = [
  400,
  'invalid_request',
  'An HTTP/1.1 request must carry a Host header.',
] as const;

/** Whether the request breaks HTTP/1.1's rule that every request names its Host. */
export const lacksHost = (request: IncomingMessage): boolean =>
  request.httpVersion === '1.1' && request.headers.host === undefined;
