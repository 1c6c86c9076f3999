import { AsyncLocalStorage } from 'node:async_hooks';

/** The preconditions of the request being served, which s3rver's own handlers ignore. */
export interface RequestConditions {
  /** `If-Match` of a DeleteObject. */
  readonly deleteIfMatch?: string;
  /** `x-amz-copy-source-if-match` of a CopyObject. */
  readonly copySourceIfMatch?: string;
}

const conditions = new AsyncLocalStorage<RequestConditions>();

/** The preconditions of the request whose handler is running, if any. */
export const currentConditions = (): RequestConditions => conditions.getStore() ?? {};

/** Whether `etag` (quoted, as s3rver stores it) satisfies an If-Match list such as `"a", "b"` or `*`. */
export const etagMatches = (condition: string, etag: string): boolean =>
  condition
    .split(',')
    .map((entry) => entry.trim())
    .some((entry) => entry === '*' || entry.replace(/^"|"$/g, '') === etag.replace(/^"|"$/g, ''));

const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(',') : value;

/**
 * s3rver middleware (koa): makes the request's preconditions visible to the store's
 * wrappers (see embedded-s3-writes.ts), which check them under the key's lock.
 */
export const captureConditions = async (
  ctx: { method: string; headers: Record<string, string | string[] | undefined> },
  next: () => Promise<unknown>,
): Promise<void> => {
  const deleteIfMatch = ctx.method === 'DELETE' ? header(ctx.headers['if-match']) : undefined;
  const copySourceIfMatch =
    ctx.method === 'PUT' ? header(ctx.headers['x-amz-copy-source-if-match']) : undefined;
  await conditions.run(
    {
      ...(deleteIfMatch !== undefined && { deleteIfMatch }),
      ...(copySourceIfMatch !== undefined && { copySourceIfMatch }),
    },
    next,
  );
};
