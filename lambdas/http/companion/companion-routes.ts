import { randomUUID } from 'node:crypto';
import type { Services } from '../../compose.js';
import { confirmUpload } from '../../contract/operations/confirm-upload.js';
import { multipartAbort } from '../../contract/operations/multipart-abort.js';
import { multipartComplete } from '../../contract/operations/multipart-complete.js';
import { multipartCreate } from '../../contract/operations/multipart-create.js';
import { multipartListParts } from '../../contract/operations/multipart-list-parts.js';
import { multipartSignParts } from '../../contract/operations/multipart-sign-parts.js';
import { uploadForm } from '../../contract/operations/upload-form.js';
import type { Operation } from '../../contract/operation.js';
import type { Caller } from '../../core/caller.js';
import { DraftError } from '../../core/errors.js';
import { audited, subjectOf, type AuditAction } from '../../observability/audit.js';
import { originOf, type HttpEvent, type HttpResult } from '../http-handler.js';
import { jsonResponse } from '../json-response.js';
import {
  completePartsOf,
  jsonObjectBody,
  optionalString,
  partNumberOf,
  queryOf,
  requiredParam,
} from './companion-request.js';

/** Where the Companion-compatible routes live: `companionEndpoint: '<api>/companion'`. */
export const COMPANION_PREFIX = '/companion';

/** The routes, as `METHOD pattern` rows for the docs and tests; `:id` is the uploadId. */
export const COMPANION_ROUTES = [
  'GET /s3/params',
  'POST /s3/multipart',
  'GET /s3/multipart/:id/:partNumber',
  'GET /s3/multipart/:id',
  'POST /s3/multipart/:id/complete',
  'DELETE /s3/multipart/:id',
] as const;

/**
 * The native operations the routes stand for (and confirm, with COMPANION_AUTO_CONFIRM): their
 * rate limits apply, and the deployed function is granted what they need.
 */
export const COMPANION_OPERATIONS = [
  'upload-form',
  'multipart-create',
  'multipart-sign-parts',
  'multipart-list-parts',
  'multipart-complete',
  'multipart-abort',
  'confirm-upload',
] as const;

interface CompanionContext {
  readonly caller: Caller;
  readonly services: Services;
  readonly event: HttpEvent;
}

const notFound = (message: string) => new DraftError('not_found', message);

/**
 * The object name inside `key`, the S3 key Companion's answers carry (`<owner>/<name>`).
 * A key outside the caller's space names no upload of theirs.
 */
const objectNameOf = (caller: Caller, key: string): string => {
  const prefix = `${caller.owner}/`;
  if (!key.startsWith(prefix) || key.length === prefix.length) {
    throw notFound(`No upload for the key "${key}".`);
  }
  return key.slice(prefix.length);
};

/** The upload an `uploadId` (which is the upload token) and a `key` name. */
const referenceOf = (context: CompanionContext, uploadId: string) => {
  const key = requiredParam(queryOf(context.event), 'key');
  return { objectName: objectNameOf(context.caller, key), uploadId, uploadToken: uploadId };
};

/** The token rides as the upload id; the store's own id is inside it (see docs/uppy.md). */
const storeUploadId = async (context: CompanionContext, uploadId: string) => {
  const reference = referenceOf(context, uploadId);
  return { ...reference, uploadId: await context.services.multipart.uploadIdOf(uploadId) };
};

/** GET /s3/params: a presigned POST form for a single upload, as Companion answers it. */
const params = async (
  { caller, services, event }: CompanionContext,
  prefix: string,
): Promise<HttpResult> => {
  const query = queryOf(event);
  const filename = requiredParam(query, 'filename');
  const type = query.get('type') || undefined;
  const form = await services.drafts.uploadForm(caller, {
    objectName: `${prefix}-${filename}`,
    ...(type !== undefined && { contentType: type }),
  });
  const expires = Math.max(0, Math.round((form.expiresAt.getTime() - Date.now()) / 1000));
  return jsonResponse(200, { method: 'POST', url: form.url, fields: form.fields, expires });
};

/** POST /s3/multipart: starts an unsized upload; the upload token is its `uploadId`. */
const create = async (
  { caller, services, event }: CompanionContext,
  prefix: string,
): Promise<HttpResult> => {
  const body = jsonObjectBody(event);
  const filename = optionalString(body, 'filename');
  if (filename === undefined) {
    throw new DraftError('invalid_request', 'The "filename" field is required.');
  }
  const type = optionalString(body, 'type');
  const upload = await services.multipart.createUnsized(caller, {
    objectName: `${prefix}-${filename}`,
    ...(type !== undefined && { contentType: type }),
  });
  return jsonResponse(200, { key: upload.key, uploadId: upload.uploadToken });
};

const signPart = async (
  context: CompanionContext,
  uploadId: string,
  partNumber: string,
): Promise<HttpResult> => {
  const number = partNumberOf(partNumber);
  const reference = await storeUploadId(context, uploadId);
  const signed = await context.services.multipart.signUnsizedPart(context.caller, {
    ...reference,
    partNumber: number,
  });
  const expires = Math.max(1, Math.round((signed.expiresAt.getTime() - Date.now()) / 1000));
  return jsonResponse(200, { url: signed.url, expires });
};

/** GET /s3/multipart/{uploadId}: every part so far, as a bare array (all pages). */
const listParts = async (context: CompanionContext, uploadId: string): Promise<HttpResult> => {
  const reference = await storeUploadId(context, uploadId);
  const parts = await context.services.multipart.listParts(context.caller, reference);
  return jsonResponse(
    200,
    parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag, Size: part.size })),
  );
};

const complete = async (context: CompanionContext, uploadId: string): Promise<HttpResult> => {
  const reference = await storeUploadId(context, uploadId);
  const parts = completePartsOf(jsonObjectBody(context.event));
  const { caller, services } = context;
  const done = await services.multipart.completeUnsized(caller, { ...reference, parts });
  if (services.config.companionAutoConfirm) {
    // The confirm counts under its own rate limit, as the native route's would.
    await admit(context, confirmUpload);
    // A refusal is the answer (4xx with its message): Uppy shows it as the file's error.
    await services.drafts.confirm(caller, { objectName: done.objectName });
  }
  const key = `${caller.owner}/${done.objectName}`;
  return jsonResponse(200, { location: key, key });
};

const abort = async (context: CompanionContext, uploadId: string): Promise<HttpResult> => {
  const reference = await storeUploadId(context, uploadId);
  await context.services.multipart.abort(context.caller, reference);
  return jsonResponse(200, {});
};

/** Counts a request under the rate limit its native operation declares (runOperation's rule). */
const admit = ({ services, caller, event }: CompanionContext, operation: Operation) =>
  services.limits.admit(operation.rateLimit, {
    caller,
    sourceIp: event.requestContext.http.sourceIp,
  });

interface CompanionRoute {
  readonly action: AuditAction;
  /** The native operation this route stands for: its rate limit applies. */
  readonly operation: Operation;
  readonly run: () => Promise<HttpResult>;
}

/** The route a request names, as its audit action and handler; undefined when none. */
const routeOf = (
  context: CompanionContext,
  segments: readonly string[],
  prefix: string,
): CompanionRoute | undefined => {
  const method = context.event.requestContext.http.method.toUpperCase();
  const [s3, resource, id, last, ...rest] = segments;
  if (s3 !== 's3' || rest.length > 0) return undefined;
  if (resource === 'params' && id === undefined && method === 'GET') {
    return { action: 'upload-form', operation: uploadForm, run: () => params(context, prefix) };
  }
  if (resource !== 'multipart') return undefined;
  if (id === undefined) {
    return method === 'POST'
      ? {
          action: 'multipart-create',
          operation: multipartCreate,
          run: () => create(context, prefix),
        }
      : undefined;
  }
  if (last === undefined) {
    if (method === 'GET')
      return {
        action: 'multipart-list-parts',
        operation: multipartListParts,
        run: () => listParts(context, id),
      };
    if (method === 'DELETE')
      return {
        action: 'multipart-abort',
        operation: multipartAbort,
        run: () => abort(context, id),
      };
    return undefined;
  }
  if (last === 'complete') {
    return method === 'POST'
      ? {
          action: 'multipart-complete',
          operation: multipartComplete,
          run: () => complete(context, id),
        }
      : undefined;
  }
  return method === 'GET'
    ? {
        action: 'multipart-part-urls',
        operation: multipartSignParts,
        run: () => signPart(context, id, last),
      }
    : undefined;
};

/** A new upload's file name, read leniently: a malformed request is audited too. */
const filenameOf = (event: HttpEvent): unknown => {
  const query = queryOf(event).get('filename');
  if (query !== null) return query;
  try {
    return (jsonObjectBody(event) as { filename?: unknown }).filename;
  } catch {
    return undefined;
  }
};

/**
 * The object name a request is about, for its audit line: from `key`, or for a new upload
 * the name it gets, `<prefix>-<filename>`.
 */
const auditedName = (context: CompanionContext, prefix: string): unknown => {
  const key = queryOf(context.event).get('key');
  const owned = `${context.caller.owner}/`;
  if (key !== null) return key.startsWith(owned) ? key.slice(owned.length) : undefined;
  const filename = filenameOf(context.event);
  return typeof filename === 'string' ? `${prefix}-${filename}` : undefined;
};

/**
 * Serves one request below COMPANION_PREFIX (`segments` are the decoded path segments
 * after it), writing the audit line of the native route it matches. Anything else under
 * the prefix is 404 with a message.
 */
export const serveCompanion = (
  context: CompanionContext,
  segments: readonly string[],
): Promise<HttpResult> => {
  // Companion's default key: a random prefix, so two files of one name never collide.
  const prefix = randomUUID();
  const route = routeOf(context, segments, prefix);
  if (!route) {
    const method = context.event.requestContext.http.method.toUpperCase();
    return Promise.reject(
      notFound(`No Companion route ${method} ${COMPANION_PREFIX}/${segments.join('/')}.`),
    );
  }
  return audited(
    route.action,
    originOf(context.event),
    () => subjectOf(context.caller.owner, auditedName(context, prefix), 'draft'),
    async () => {
      await admit(context, route.operation);
      return route.run();
    },
  );
};
