import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import type { usageResponse } from '../responses.js';

/** What the caller keeps in the main bucket, and their quota. */
export const usage = {
  audit: { action: 'usage', about: 'service' },
  call: ({ accounts, caller }) => accounts.report(caller.owner),
} satisfies Operation;

export const usageRest: RestRoute<typeof usage, typeof usageResponse> = {
  operation: usage,
  method: 'POST',
  path: '/api/v1/usage',
  answer: (report) => ({
    bytes: report.bytes,
    objects: report.objects,
    quota: { bytes: report.quota.bytes, objects: report.quota.objects },
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const usageSpec = {
  name: 'usage',
  operation: usage,
  rest: usageRest,
  rpc: 'getUsage',
} as const satisfies OperationSpec;
