import type * as z from 'zod/mini';
import { compatDownloadRequest, type compatUrlResponse } from '../compat.js';
import type { Operation, OperationSpec, OriginalRoute, RestRoute } from '../operation.js';
import { downloadUrlRequest, type DownloadUrlRequest } from '../requests.js';
import type { downloadUrlResponse } from '../responses.js';

/**
 * The request, plus the original contract's reading of an absent stage: the draft, or the
 * confirmed object when there is no draft (its surfaces set `fallbackToMain`).
 */
export type DownloadUrlInput = DownloadUrlRequest & { readonly fallbackToMain?: true };

/** A presigned GET for a draft or a confirmed object. */
export const downloadUrl = {
  rateLimit: 'read',
  audit: { action: 'download-url', stage: { unset: 'draft' } },
  call: ({ drafts, caller }, input: DownloadUrlInput) =>
    drafts.downloadUrl(caller, {
      objectName: input.object_name,
      ...(input.stage !== undefined
        ? { stage: input.stage }
        : input.fallbackToMain && { fallbackToMain: true }),
    }),
} satisfies Operation;

export const downloadUrlRest: RestRoute<typeof downloadUrl, typeof downloadUrlResponse> = {
  operation: downloadUrl,
  method: 'POST',
  path: '/api/v1/download-url',
  request: downloadUrlRequest,
  answer: (ticket) => ({
    download_url: ticket.url,
    object_name: ticket.objectName,
    stage: ticket.stage,
    expires_at: ticket.expiresAt.toISOString(),
  }),
};

/**
 * Without a `stage` it signs the draft, or the confirmed object once there is no draft, as
 * the original server did; with one it signs that stage only.
 */
export const downloadUrlOriginal: OriginalRoute<
  typeof downloadUrl,
  typeof compatUrlResponse,
  'compat-download-url',
  z.output<typeof compatDownloadRequest>
> = {
  operation: downloadUrl,
  path: '/api/v1/draft/download-url',
  entry: 'compat-download-url',
  request: compatDownloadRequest,
  toInput: (input) => ({ ...input, fallbackToMain: true }),
  answer: (ticket) => ({ url: ticket.url }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const downloadUrlSpec = {
  name: 'download-url',
  operation: downloadUrl,
  rest: downloadUrlRest,
  original: downloadUrlOriginal,
  rpc: 'getDownloadURL',
} as const satisfies OperationSpec;
