import { createHash } from 'node:crypto';

/** Hex SHA-256, for comparing the bytes a store returns with the bytes uploaded. */
export const sha256 = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * PUTs bytes to a presigned URL with the headers it was signed with. fetch sets
 * Content-Length itself from the body, so that one is left out.
 */
export const putPresigned = (
  url: string,
  body: Uint8Array,
  headers: Readonly<Record<string, string>> = {},
): Promise<Response> =>
  fetch(url, {
    method: 'PUT',
    headers: Object.fromEntries(
      Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-length'),
    ),
    body,
  });
