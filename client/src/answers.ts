import type { MAX_PART_COUNT } from '../../lambdas/core/s3-limits.js';
import { DraftStoreError } from './errors.js';
import type {
  ConfirmResponse,
  DownloadUrlResponse,
  MultipartCompleteResponse,
  MultipartCreateResponse,
  MultipartListPartsResponse,
  MultipartSignPartsResponse,
  UploadUrlResponse,
  UsageResponse,
} from './wire.js';

/**
 * Checks of the API answers the SDK acts on. A proxy, a misconfigured gateway or another
 * server at the base URL can answer 200 with anything; the SDK must not compute part
 * counts from a part size of 0, PUT bytes to a URL that is not http(s), or complete an
 * upload with part numbers the store never had. The server's zod contract is not used
 * here: it would put zod into every browser bundle.
 */

/**
 * The store caps a multipart upload at this many parts. The package ships no server code,
 * so the value is repeated; `satisfies` makes the build fail when it drifts from S3's.
 */
const MAX_PARTS = 10_000 satisfies typeof MAX_PART_COUNT;

const invalid = (route: string, what: string): DraftStoreError =>
  new DraftStoreError(502, 'invalid_response', `${route} answered ${what}.`);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

const isHttpUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

const isHeaders = (value: unknown): value is Record<string, string> =>
  isRecord(value) && Object.values(value).every((header) => typeof header === 'string');

const isDate = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value));

export const partCountOf = (size: number, partSize: number): number =>
  Math.max(1, Math.ceil(size / partSize));

export const checkCreated = (answer: unknown, size: number): MultipartCreateResponse => {
  const route = 'multipart/create';
  if (!isRecord(answer)) throw invalid(route, 'no upload');
  const { upload_id, upload_token, object_name, part_size, part_count } = answer;
  if (typeof upload_id !== 'string' || !upload_id) throw invalid(route, 'no upload_id');
  if (typeof upload_token !== 'string' || !upload_token) throw invalid(route, 'no upload_token');
  if (typeof object_name !== 'string' || !object_name) throw invalid(route, 'no object_name');
  if (!isPositiveInteger(part_size)) throw invalid(route, `part_size ${String(part_size)}`);
  const count = partCountOf(size, part_size);
  if (count > MAX_PARTS) throw invalid(route, `a part_size that makes ${count} parts`);
  // Checked when present: a disagreement means the server planned another file.
  if (part_count !== undefined && part_count !== count && !(size === 0 && part_count === 0)) {
    throw invalid(route, `part_count ${String(part_count)} for ${count} parts`);
  }
  return answer as unknown as MultipartCreateResponse;
};

export const checkListed = (answer: unknown): MultipartListPartsResponse => {
  if (!isRecord(answer) || !Array.isArray(answer.parts)) {
    throw invalid('multipart/list-parts', 'no parts list');
  }
  return answer as unknown as MultipartListPartsResponse;
};

/** A part list entry the SDK may trust: a real part number, an ETag, a byte count. */
export const isListedPart = (part: unknown): part is MultipartListPartsResponse['parts'][number] =>
  isRecord(part) &&
  isPositiveInteger(part.part_number) &&
  part.part_number <= MAX_PARTS &&
  typeof part.etag === 'string' &&
  part.etag !== '' &&
  typeof part.size === 'number';

export const checkSigned = (answer: unknown): MultipartSignPartsResponse => {
  const route = 'multipart/sign-parts';
  if (!isRecord(answer) || !Array.isArray(answer.parts)) throw invalid(route, 'no parts list');
  if (!isDate(answer.expires_at)) throw invalid(route, 'no valid expires_at');
  for (const part of answer.parts as unknown[]) {
    if (!isRecord(part) || !isHttpUrl(part.url) || !isHeaders(part.headers)) {
      throw invalid(route, 'a part without an http(s) URL and string headers');
    }
  }
  return answer as unknown as MultipartSignPartsResponse;
};

export const checkTicket = (answer: unknown): UploadUrlResponse => {
  const route = 'upload-url';
  if (!isRecord(answer) || !isHttpUrl(answer.upload_url)) throw invalid(route, 'no http(s) URL');
  if (!isHeaders(answer.headers)) throw invalid(route, 'no string headers');
  if (!isDate(answer.expires_at)) throw invalid(route, 'no valid expires_at');
  return answer as unknown as UploadUrlResponse;
};

export const checkDownloadUrl = (answer: unknown): DownloadUrlResponse => {
  if (!isRecord(answer) || !isHttpUrl(answer.download_url)) {
    throw invalid('download-url', 'no http(s) URL');
  }
  return answer as unknown as DownloadUrlResponse;
};

export const checkConfirmed = (answer: unknown): ConfirmResponse => {
  if (
    !isRecord(answer) ||
    typeof answer.object_name !== 'string' ||
    typeof answer.final_location !== 'string'
  ) {
    throw invalid('confirm-upload', 'no confirmed object');
  }
  return answer as unknown as ConfirmResponse;
};

/** A complete answer for another size means the store assembled something else: not a success. */
export const checkCompleted = (answer: unknown, size: number): MultipartCompleteResponse => {
  const route = 'multipart/complete';
  if (!isRecord(answer) || typeof answer.object_name !== 'string') {
    throw invalid(route, 'no completed object');
  }
  if (answer.size !== size) throw invalid(route, `size ${String(answer.size)} for ${size} bytes`);
  return answer as unknown as MultipartCompleteResponse;
};

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Counts the usage bar divides by: whole, not negative; a quota is a count or `null`. */
export const checkUsage = (answer: unknown): UsageResponse => {
  const quota = isRecord(answer) ? answer.quota : undefined;
  if (
    !isRecord(answer) ||
    !isCount(answer.bytes) ||
    !isCount(answer.objects) ||
    !isRecord(quota) ||
    !(quota.bytes === null || isCount(quota.bytes)) ||
    !(quota.objects === null || isCount(quota.objects))
  ) {
    throw invalid('usage', 'no bytes, objects and quota');
  }
  return answer as unknown as UsageResponse;
};
