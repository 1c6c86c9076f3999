import { randomBytes } from 'node:crypto';
import type { TestRuntime } from './local-runtime.js';

/** Deterministic-size random bytes (crypto-random: no two test files alike). */
export const bytes = (size: number): Buffer => randomBytes(size);

export interface SignedPartJson {
  part_number: number;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
}

/** PUTs one part exactly as signed (fetch sets Content-Length from the body) and answers its ETag. */
export const putPart = async (part: SignedPartJson, body: Uint8Array): Promise<Response> =>
  fetch(part.url, {
    method: part.method,
    headers: Object.fromEntries(
      Object.entries(part.headers).filter(([name]) => name.toLowerCase() !== 'content-length'),
    ),
    body,
  });

/**
 * Runs the whole REST multipart flow for `body`: create, sign every part, PUT them, complete.
 * Answers each step's JSON so tests can look at any of them.
 */
export const uploadInParts = async (
  api: TestRuntime,
  objectName: string,
  body: Buffer,
  options: { contentType?: string; partSize?: number; headers?: Record<string, string> } = {},
) => {
  const headers = options.headers ?? {};
  const created = await api.post(
    '/api/v1/multipart/create',
    {
      object_name: objectName,
      content_length: body.length,
      ...(options.contentType !== undefined && { content_type: options.contentType }),
      ...(options.partSize !== undefined && { part_size: options.partSize }),
    },
    headers,
  );
  if (created.status !== 200) throw new Error(`create: ${JSON.stringify(created)}`);
  const { upload_id, upload_token, part_size, part_count } = created.json;
  const reference = { object_name: objectName, upload_id, upload_token };
  const numbers = Array.from({ length: part_count }, (_, index) => index + 1);
  const signed = await api.post(
    '/api/v1/multipart/sign-parts',
    { ...reference, part_numbers: numbers },
    headers,
  );
  if (signed.status !== 200) throw new Error(`sign-parts: ${JSON.stringify(signed)}`);
  const etags: { part_number: number; etag: string }[] = [];
  for (const part of signed.json.parts as SignedPartJson[]) {
    const first = (part.part_number - 1) * part_size;
    const response = await putPart(part, body.subarray(first, first + part_size));
    if (response.status !== 200) {
      throw new Error(`PUT part ${part.part_number}: ${response.status} ${await response.text()}`);
    }
    etags.push({ part_number: part.part_number, etag: response.headers.get('etag') ?? '' });
  }
  const completed = await api.post(
    '/api/v1/multipart/complete',
    { ...reference, parts: etags },
    headers,
  );
  return { created: created.json, reference, signed: signed.json, etags, completed };
};
