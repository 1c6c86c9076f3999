import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DraftError } from '../../core/errors.js';

/** The largest JSON body: complete lists up to 10,000 parts, as on the native route. */
export const COMPANION_MAX_BODY_BYTES = 1024 * 1024;

const invalid = (message: string) => new DraftError('invalid_request', message);

/** The path below `/companion`, split into decoded segments; `undefined` if outside it. */
export const companionSegments = (rawPath: string, prefix: string): string[] | undefined => {
  if (rawPath !== prefix && !rawPath.startsWith(`${prefix}/`)) return undefined;
  return rawPath
    .slice(prefix.length)
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw invalid('The path is not valid percent-encoded UTF-8.');
      }
    });
};

export const queryOf = (event: APIGatewayProxyEventV2): URLSearchParams =>
  new URLSearchParams(event.rawQueryString ?? '');

/** A required, non-empty query parameter. */
export const requiredParam = (query: URLSearchParams, name: string): string => {
  const value = query.get(name);
  if (value === null || value === '') {
    throw invalid(`The "${name}" query parameter is required and must not be empty.`);
  }
  return value;
};

/** The request's JSON object body; 400 when it is missing, too large, not JSON or not an object. */
export const jsonObjectBody = (event: APIGatewayProxyEventV2): Record<string, unknown> => {
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  if (Buffer.byteLength(raw, 'utf8') > COMPANION_MAX_BODY_BYTES) {
    throw new DraftError(
      'payload_too_large',
      `The request body is over the limit of ${COMPANION_MAX_BODY_BYTES} bytes.`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw invalid('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
};

/** An optional string field; 400 when present but not a string. */
export const optionalString = (body: Record<string, unknown>, name: string): string | undefined => {
  const value = body[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`"${name}" must be a string.`);
  return value;
};

/** A part number as Uppy sends it in the path: 1 to 5 decimal digits. */
export const partNumberOf = (text: string): number => {
  if (!/^[1-9]\d{0,4}$/.test(text)) {
    throw invalid(`The part number "${text}" must be a whole number from 1 to 10000.`);
  }
  return Number(text);
};

/** Complete's `parts`: `[{PartNumber, ETag}]`, as Companion takes them. */
export const completePartsOf = (
  body: Record<string, unknown>,
): { partNumber: number; etag: string }[] => {
  const { parts } = body;
  if (
    !Array.isArray(parts) ||
    parts.length === 0 ||
    !parts.every(
      (part: unknown) =>
        typeof part === 'object' &&
        part !== null &&
        Number.isSafeInteger((part as { PartNumber?: unknown }).PartNumber) &&
        typeof (part as { ETag?: unknown }).ETag === 'string' &&
        (part as { ETag: string }).ETag.length > 0 &&
        (part as { ETag: string }).ETag.length <= 1024,
    )
  ) {
    throw invalid('"parts" must be a non-empty array of {PartNumber, ETag} objects.');
  }
  return (parts as { PartNumber: number; ETag: string }[]).map((part) => ({
    partNumber: part.PartNumber,
    etag: part.ETag,
  }));
};
