import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  createContextKey,
  type ConnectRouter,
  type ConnectRouterOptions,
  type HandlerContext,
  type ServiceImpl,
} from '@connectrpc/connect';
import { DraftError } from '../core/errors.js';
import type { Caller } from '../core/caller.js';
import type { DraftService as Drafts } from '../core/draft-service.js';
import type { MultipartService } from '../core/multipart-service.js';
import { ownerSegment } from '../core/object-name.js';
import type { Stage as DomainStage } from '../core/stage.js';
import {
  BucketState,
  ConfirmUploadResponseSchema,
  CreateDraftBucketResponseSchema,
  DraftService,
  GetDownloadURLResponseSchema,
  GetUploadURLResponseSchema,
  DeleteObjectResponseSchema,
  GetObjectInfoResponseSchema,
  HealthResponseSchema,
  ListedObjectSchema,
  ListObjectsResponseSchema,
  ResultSchema,
  Stage,
} from '../gen/draft/v1/draft_pb.js';
import * as z from 'zod/mini';
import { listObjectsRequest, uploadUrlRequest } from '../contract/requests.js';
import type { ObjectCatalog } from '../core/object-catalog.js';
import { audited, subjectOf, type AuditAction, type AuditOrigin } from '../observability/audit.js';
import { multipartRpcs } from './multipart-rpcs.js';
import { draftErrorInterceptor } from './to-connect-error.js';
import { reportParseFailuresAsInvalidArgument } from './parse-errors.js';
import { strictUtf8JsonOptions } from './utf8-json.js';

/**
 * The authenticated principal of a call, set by the adapter that verified it (for
 * example the `sub` of a verified JWT). Unset means anonymous, as with REST.
 */
export const principalKey = createContextKey<string | undefined>(undefined, {
  description: 'authenticated principal',
});

/**
 * Requests are a few small fields, except CompleteMultipartUpload's list of up to 10,000
 * parts (about 450 KB); anything larger is refused before decoding.
 */
export const MAX_RPC_REQUEST_BYTES = 1024 * 1024;

/**
 * Where the request came from, set by the adapter that received it (the function URL's
 * request context, the local server's socket). Unset, it is read from the headers.
 */
export const requestOriginKey = createContextKey<AuditOrigin | undefined>(undefined, {
  description: 'request origin for the audit trail',
});

/** The domain services the RPCs call. */
export interface RpcServices {
  readonly drafts: Drafts;
  readonly objects: ObjectCatalog;
}

/** Supplies the domain services per call, so composition stays lazy (as REST's ServicesResolver). */
export type DraftsResolver = () => RpcServices;

/** Supplies the multipart service per call. */
export type MultipartResolver = () => MultipartService;

const callerOf = (context: HandlerContext): Caller => ({
  owner: ownerSegment(context.values.get(principalKey)),
});

const ownerOf = (context: HandlerContext): string | undefined => {
  try {
    return callerOf(context).owner;
  } catch {
    return undefined;
  }
};

const originOf = (context: HandlerContext): AuditOrigin =>
  context.values.get(requestOriginKey) ?? {
    requestId: context.requestHeader.get('x-request-id') ?? randomUUID(),
    userAgent: context.requestHeader.get('user-agent') ?? '',
  };

/** Runs one RPC as one audited action about `name` in `stage`. */
const audit = <T>(
  action: AuditAction,
  context: HandlerContext,
  target: { name?: string; stage?: DomainStage },
  run: () => Promise<T>,
): Promise<T> =>
  audited(
    action,
    originOf(context),
    () => subjectOf(ownerOf(context), target.name, target.stage),
    run,
  );

const ok = () => create(ResultSchema, { success: true });

const STAGES: Readonly<Record<number, DomainStage>> = {
  [Stage.DRAFT]: 'draft',
  [Stage.MAIN]: 'main',
};
/**
 * An unset stage is how an original draft.v1 client (which had no stage) asks: the
 * draft, or the confirmed object when there is no draft, as its Go server answered.
 */
const stageOf = (stage: Stage): { stage?: DomainStage; fallbackToMain?: true } => {
  if (stage === Stage.UNSPECIFIED) return { fallbackToMain: true };
  const known = STAGES[stage];
  if (known === undefined) throw new DraftError('invalid_request', 'stage: must be DRAFT or MAIN');
  return { stage: known };
};
/** The stage of the newer RPCs: STAGE_UNSPECIFIED is `unspecified`, refused when that is undefined. */
const bucketStage = (stage: Stage, unspecified: DomainStage | undefined): DomainStage => {
  const known = stage === Stage.UNSPECIFIED ? unspecified : STAGES[stage];
  if (known === undefined) throw new DraftError('invalid_request', 'stage: must be DRAFT or MAIN');
  return known;
};
const wireStage = (stage: DomainStage): Stage => (stage === 'main' ? Stage.MAIN : Stage.DRAFT);

const bucketState = (outcome: 'created' | 'existed' | 'ok' | 'unavailable'): BucketState =>
  outcome === 'created'
    ? BucketState.CREATED
    : outcome === 'unavailable'
      ? BucketState.UNAVAILABLE
      : BucketState.OK;

// The REST schema's checks for everything but the name, which the domain validates
// (so an empty name is ERROR_TYPE_INVALID_OBJECT_NAME, as in the original).
const uploadOptions = z.omit(uploadUrlRequest, { object_name: true });
// The REST listing's checks for the fields RPC has as strings and numbers.
const listOptions = z.omit(listObjectsRequest, { stage: true });

/** The stage a request names, for its audit line, without refusing anything. */
const namedStage = (stage: Stage, unspecified: DomainStage): DomainStage =>
  STAGES[stage] ?? unspecified;

/** draft.v1.DraftService over the core services: decode, call the domain, encode. */
export const draftServiceImpl = (
  resolve: DraftsResolver,
  resolveMultipart: MultipartResolver = noMultipart,
): ServiceImpl<typeof DraftService> => ({
  ...multipartRpcs(resolveMultipart, callerOf),

  async createDraftBucket() {
    const ensured = await resolve().drafts.ensureBuckets();
    return create(CreateDraftBucketResponseSchema, {
      result: ok(),
      draftBucket: bucketState(ensured.draft),
      mainBucket: bucketState(ensured.main),
    });
  },

  getUploadURL: (request, context) =>
    audit('upload-url', context, { name: request.objectName, stage: 'draft' }, async () => {
      const options = uploadOptions.parse({
        ...(request.contentType !== '' && { content_type: request.contentType }),
        ...(request.contentLength !== undefined && {
          content_length: Number(request.contentLength),
        }),
        ...(request.contentMd5 !== '' && { content_md5: request.contentMd5 }),
        ...(request.checksumSha256 !== '' && { checksum_sha256: request.checksumSha256 }),
        ...(Object.keys(request.metadata).length > 0 && { metadata: { ...request.metadata } }),
      });
      const ticket = await resolve().drafts.uploadUrl(callerOf(context), {
        objectName: request.objectName,
        ...(options.content_type !== undefined && { contentType: options.content_type }),
        ...(options.content_length !== undefined && { contentLength: options.content_length }),
        ...(options.content_md5 !== undefined && { contentMd5: options.content_md5 }),
        ...(options.checksum_sha256 !== undefined && {
          checksumSha256: options.checksum_sha256,
        }),
        ...(options.metadata !== undefined && { metadata: options.metadata }),
      });
      return create(GetUploadURLResponseSchema, {
        result: ok(),
        url: ticket.url,
        method: ticket.method,
        headers: { ...ticket.headers },
        expiresAt: timestampFromDate(ticket.expiresAt),
        objectName: ticket.objectName,
      });
    }),

  getDownloadURL: (request, context) =>
    audit(
      'download-url',
      context,
      { name: request.objectName, stage: namedStage(request.stage, 'draft') },
      async () => {
        const ticket = await resolve().drafts.downloadUrl(callerOf(context), {
          objectName: request.objectName,
          ...stageOf(request.stage),
        });
        return create(GetDownloadURLResponseSchema, {
          result: ok(),
          url: ticket.url,
          stage: wireStage(ticket.stage),
          expiresAt: timestampFromDate(ticket.expiresAt),
          objectName: ticket.objectName,
        });
      },
    ),

  confirmUpload: (request, context) =>
    audit('confirm', context, { name: request.objectName, stage: 'main' }, async () => {
      const confirmed = await resolve().drafts.confirm(callerOf(context), {
        objectName: request.objectName,
      });
      return create(ConfirmUploadResponseSchema, {
        result: ok(),
        finalLocation: `${confirmed.bucket}/${confirmed.key}`,
        size: BigInt(confirmed.size),
        etag: confirmed.etag,
        contentType: confirmed.contentType ?? '',
        objectName: confirmed.objectName,
      });
    }),

  async health() {
    const report = await resolve().drafts.health();
    return create(HealthResponseSchema, {
      result: ok(),
      healthy: report.healthy,
      draftBucket: bucketState(report.buckets.draft),
      mainBucket: bucketState(report.buckets.main),
    });
  },

  getObjectInfo: (request, context) =>
    audit(
      'object-info',
      context,
      { name: request.objectName, stage: namedStage(request.stage, 'main') },
      async () => {
        const info = await resolve().objects.info(callerOf(context), {
          objectName: request.objectName,
          stage: bucketStage(request.stage, 'main'),
        });
        return create(GetObjectInfoResponseSchema, {
          result: ok(),
          objectName: info.objectName,
          stage: wireStage(info.stage),
          size: BigInt(info.size),
          contentType: info.contentType ?? '',
          etag: info.etag,
          ...(info.lastModified && { lastModified: timestampFromDate(info.lastModified) }),
          metadata: { ...info.metadata },
        });
      },
    ),

  listObjects: (request, context) =>
    audit(
      'list',
      context,
      { name: request.prefix, stage: namedStage(request.stage, 'main') },
      async () => {
        const options = listOptions.parse({
          ...(request.prefix !== '' && { prefix: request.prefix }),
          ...(request.delimiter !== '' && { delimiter: request.delimiter }),
          ...(request.cursor !== '' && { cursor: request.cursor }),
          ...(request.limit !== 0 && { limit: request.limit }),
        });
        const page = await resolve().objects.list(callerOf(context), {
          stage: bucketStage(request.stage, 'main'),
          ...(options.prefix !== undefined && { prefix: options.prefix }),
          ...(options.delimiter !== undefined && { delimiter: options.delimiter }),
          ...(options.cursor !== undefined && { cursor: options.cursor }),
          ...(options.limit !== undefined && { limit: options.limit }),
        });
        return create(ListObjectsResponseSchema, {
          result: ok(),
          objects: page.objects.map((object) =>
            create(ListedObjectSchema, {
              objectName: object.objectName,
              size: BigInt(object.size),
              etag: object.etag,
              lastModified: timestampFromDate(object.lastModified),
            }),
          ),
          prefixes: [...page.prefixes],
          nextCursor: page.nextCursor ?? '',
        });
      },
    ),

  deleteObject: (request, context) =>
    audit(
      'delete',
      context,
      { name: request.objectName, stage: namedStage(request.stage, 'main') },
      async () => {
        await resolve().objects.delete(callerOf(context), {
          objectName: request.objectName,
          stage: bucketStage(request.stage, undefined),
        });
        return create(DeleteObjectResponseSchema, { result: ok(), deleted: true });
      },
    ),
});

/** Handler options for draftRoutes: which protocols to serve, extra interceptors, limits. */
export type DraftRoutesOptions = ConnectRouterOptions & {
  /** Serves the multipart RPCs; without it they fail (500-class, logged). */
  readonly multipart?: MultipartResolver;
};

const noMultipart: MultipartResolver = () => {
  throw new DraftError('internal', 'Multipart uploads are not configured for this server.');
};

/**
 * Registers draft.v1.DraftService on a Connect router: the one registration every
 * server uses (Lambda function URL, local servers, in-memory tests). Options are
 * passed per service because Connect applies service options instead of, not on top
 * of, the router's (so a router-level `grpc: false` would be lost).
 */
export const draftRoutes =
  (resolve: DraftsResolver, { multipart, ...options }: DraftRoutesOptions = {}) =>
  (router: ConnectRouter): void => {
    const first = router.handlers.length;
    router.service(DraftService, draftServiceImpl(resolve, multipart), {
      readMaxBytes: MAX_RPC_REQUEST_BYTES,
      ...options,
      jsonOptions: { ...strictUtf8JsonOptions, ...options.jsonOptions },
      // Innermost, so outer interceptors see the mapped ConnectError.
      interceptors: [...(options.interceptors ?? []), draftErrorInterceptor],
    });
    // Body parsing happens before any interceptor, so its errors are mapped here.
    for (let index = first; index < router.handlers.length; index += 1) {
      router.handlers[index] = reportParseFailuresAsInvalidArgument(router.handlers[index]!);
    }
  };
