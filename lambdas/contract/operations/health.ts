import type { Operation, OperationSpec, RestRoute } from '../operation.js';
import type { healthResponse } from '../responses.js';

/** Whether both buckets answer. */
export const health = {
  rateLimit: 'none',
  call: ({ drafts }) => drafts.health(),
} satisfies Operation;

/** 200 when both buckets answer, 503 when either does not. */
export const healthRest: RestRoute<typeof health, typeof healthResponse> = {
  operation: health,
  method: 'GET',
  path: '/health',
  status: (report) => (report.healthy ? 200 : 503),
  answer: (report) => ({
    status: report.healthy ? 'ok' : 'unavailable',
    buckets: report.buckets,
  }),
};

/** The whole declaration, from which every surface is derived (see operations/index.ts). */
export const healthSpec = {
  name: 'health',
  operation: health,
  rest: healthRest,
  rpc: 'health',
  unaudited: 'a public probe: it acts on nothing and names no object',
} as const satisfies OperationSpec;
