import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { MAX_KEYS_PER_LIST_PAGE, MAX_PART_COUNT } from '../lambdas/core/s3-limits.js';
import { withKeyLock } from './keyed-lock.js';

const require = createRequire(import.meta.url);
const S3Error = require('s3rver/lib/models/error.js') as new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;

/**
 * What s3rver lacks for client-driven multipart uploads, added in front of it: ListParts
 * (GET ?uploadId), AbortMultipartUpload (DELETE ?uploadId), and NoSuchUpload for parts or a
 * complete of an upload that does not exist (s3rver would create a stray part, or fail with
 * a 500). It reads s3rver's own layout: `<bucket>/._S3rver_uploads/<uploadId>/` holding
 * `key`, and each part as `<n>` with its MD5 in `<n>.md5`.
 */

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
  type: string;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;
const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const xml = (value: string | number) =>
  String(value).replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);

const isPartNumber = (value: string | undefined): boolean =>
  value !== undefined && /^[1-9]\d{0,4}$/.test(value) && Number(value) <= MAX_PART_COUNT;

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

const answerXml = (ctx: KoaContext, status: number, body: string): void => {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
};

const noSuchUpload = (ctx: KoaContext, uploadId: string): void =>
  answerXml(
    ctx,
    404,
    `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${xml(uploadId)}</UploadId></Error>`,
  );

/**
 * One complete, abort or part commit of an upload at a time, in arrival order (keyed by
 * the upload's folder). s3rver's complete reads the part files that an abort deletes:
 * interleaved, the complete found its parts gone and answered InvalidPart (400), or its
 * assembly lost a file mid-stream. In turn, whichever comes second finds the upload gone
 * and answers NoSuchUpload (404), as S3 does.
 */
const oneAtATime = <T>(directory: string, work: () => Promise<T>): Promise<T> =>
  withKeyLock(resolve(directory), work);

/** The key an upload was created for, or undefined when there is no such upload. */
const storedKeyOf = (uploadId: string, directory: string): Promise<string | undefined> =>
  UPLOAD_ID.test(uploadId)
    ? readFile(join(directory, 'key'), 'utf8').catch(() => undefined)
    : Promise.resolve(undefined);

interface StoredPart {
  readonly number: number;
  readonly size: number;
  readonly md5: string;
  readonly modified: Date;
}

/**
 * The upload's complete parts: each with its bytes and their MD5 (see guardPartWrites).
 * Read under the upload's lock, so no part is caught between its two files.
 */
const readParts = (directory: string): Promise<StoredPart[]> =>
  oneAtATime(directory, async () => {
    const names = (await readdir(directory)).filter((name) => /^\d+$/.test(name));
    const parts = await Promise.all(
      names.map(async (name) => {
        const [info, md5] = await Promise.all([
          stat(join(directory, name)).catch(() => undefined),
          readFile(join(directory, `${name}.md5`), 'utf8').catch(() => ''),
        ]);
        return info && /^[0-9a-f]{32}$/.test(md5.trim())
          ? [{ number: Number(name), size: info.size, md5: md5.trim(), modified: info.mtime }]
          : [];
      }),
    );
    return parts.flat().sort((a, b) => a.number - b.number);
  });

const listParts = async (
  ctx: KoaContext,
  bucket: string,
  key: string,
  uploadId: string,
  directory: string,
): Promise<void> => {
  const marker = Number(single(ctx.query['part-number-marker']) ?? 0) || 0;
  const maxParts = Math.min(
    MAX_KEYS_PER_LIST_PAGE,
    Number(single(ctx.query['max-parts']) ?? MAX_KEYS_PER_LIST_PAGE) || MAX_KEYS_PER_LIST_PAGE,
  );
  const after = (await readParts(directory)).filter((part) => part.number > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  const last = page.at(-1)?.number ?? marker;
  answerXml(
    ctx,
    200,
    [
      '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${uploadId}</UploadId>`,
      `<PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${last}</NextPartNumberMarker>`,
      `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>`,
      ...page.map(
        (part) =>
          `<Part><PartNumber>${part.number}</PartNumber><LastModified>${part.modified.toISOString()}</LastModified><ETag>"${part.md5}"</ETag><Size>${part.size}</Size></Part>`,
      ),
      '</ListPartsResult>',
    ].join(''),
  );
};

/** s3rver middleware (koa): serves or refuses the requests above, and passes on the rest. */
export const embeddedMultipart =
  (rootDirectory: string) =>
  async (ctx: KoaContext, next: () => Promise<unknown>): Promise<void> => {
    const uploadId = single(ctx.query.uploadId);
    const match = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    if (uploadId === undefined || !match) {
      await next();
      return;
    }
    const bucket = decodeURIComponent(match[1]!);
    const key = decodeURIComponent(match[2]!);
    const directory = join(rootDirectory, bucket, '._S3rver_uploads', uploadId);
    const exists = (await storedKeyOf(uploadId, directory)) === key;
    if (ctx.method === 'GET') {
      if (!exists) return noSuchUpload(ctx, uploadId);
      return listParts(ctx, bucket, key, uploadId, directory);
    }
    if (ctx.method === 'DELETE') {
      return oneAtATime(directory, async () => {
        // Checked again in turn: a complete before it may have consumed the upload.
        if ((await storedKeyOf(uploadId, directory)) !== key) return noSuchUpload(ctx, uploadId);
        // Retried: a part's temporary file may appear while the folder is emptied.
        await rm(directory, { recursive: true, force: true, maxRetries: 3 });
        ctx.status = 204;
        ctx.body = '';
      });
    }
    if ((ctx.method === 'PUT' || ctx.method === 'POST') && !exists) {
      return noSuchUpload(ctx, uploadId);
    }
    // s3rver names the part's file after partNumber as given: "../x" would write anywhere.
    if (ctx.method === 'PUT' && !isPartNumber(single(ctx.query.partNumber))) {
      return answerXml(
        ctx,
        400,
        '<Error><Code>InvalidArgument</Code><Message>Part number must be an integer between 1 and 10000, inclusive.</Message><ArgumentName>partNumber</ArgumentName></Error>',
      );
    }
    await next();
  };

interface MultipartFileStore {
  getResourcePath(bucket: string, key: undefined, resource: 'uploads'): string;
  putObjectMultipart(
    bucket: string,
    uploadId: string,
    parts: readonly { number: number; etag: string }[],
  ): Promise<unknown>;
}

/**
 * s3rver assembles a completed upload from whatever part files the list names, without
 * looking at them first: a part never uploaded fails as an unhandled stream error that
 * ends the whole process, and an etag of other bytes goes unnoticed. S3 answers both
 * with InvalidPart (400) and changes nothing, so this checks the list first, the same way.
 */
export const checkPartsOnComplete = (store: MultipartFileStore): void => {
  const putObjectMultipart = store.putObjectMultipart.bind(store);
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const directory = join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    return oneAtATime(directory, () => checkedComplete(directory, bucket, uploadId, parts));
  };
  const checkedComplete = async (
    directory: string,
    bucket: string,
    uploadId: string,
    parts: readonly { number: number; etag: string }[],
  ): Promise<unknown> => {
    // Checked again in turn: an abort before it may have removed the upload.
    if ((await storedKeyOf(uploadId, directory)) === undefined) {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', {
        UploadId: uploadId,
      });
    }
    for (const part of parts) {
      // s3rver has already taken the quotes off the etag; each part's MD5 is stored beside it.
      const md5 = Number.isSafeInteger(part.number)
        ? await readFile(join(directory, `${part.number}.md5`), 'utf8').catch(() => undefined)
        : undefined;
      if (md5 === undefined || md5.trim() !== part.etag) {
        throw new S3Error(
          'InvalidPart',
          "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.",
          { UploadId: uploadId, PartNumber: String(part.number) },
        );
      }
    }
    return putObjectMultipart(bucket, uploadId, parts);
  };
};
