import type {
  ConnectRouter,
  ConnectRouterOptions,
  HandlerContext,
  ServiceImpl,
} from '@connectrpc/connect';
import type { OperationContext } from '../contract/operation.js';
import type { DraftService as Drafts } from '../core/draft-service.js';
import { DraftError } from '../core/errors.js';
import type { MultipartService } from '../core/multipart-service.js';
import type { ObjectCatalog } from '../core/object-catalog.js';
import type { UsageAccounts } from '../core/usage-accounts.js';
import { DraftService } from '../gen/draft/v1/draft_pb.js';
import { auditInterceptor } from './audit-interceptor.js';
import { DRAFT_RPCS } from './draft-rpcs.js';
import { reportParseFailuresAsInvalidArgument } from './parse-errors.js';
import { callerOf } from './rpc-context.js';
import { draftErrorInterceptor } from './to-connect-error.js';
import { strictUtf8JsonOptions } from './utf8-json.js';

export { principalKey, requestOriginKey } from './rpc-context.js';

/**
 * Requests are a few small fields, except CompleteMultipartUpload's list of up to 10,000
 * parts (about 450 KB); anything larger is refused before decoding.
 */
export const MAX_RPC_REQUEST_BYTES = 1024 * 1024;

/** The domain services the RPCs call. */
export interface RpcServices {
  readonly drafts: Drafts;
  readonly objects: ObjectCatalog;
  readonly accounts: UsageAccounts;
}

/** Supplies the domain services per call, so composition stays lazy (as REST's ServicesResolver). */
export type DraftsResolver = () => RpcServices;

/** Supplies the multipart service per call. */
export type MultipartResolver = () => MultipartService;

const noMultipart: MultipartResolver = () => {
  throw new DraftError('internal', 'Multipart uploads are not configured for this server.');
};

/** An operation's context for one call: the caller and services, each resolved on first use. */
const operationContext = (
  resolve: DraftsResolver,
  resolveMultipart: MultipartResolver,
  context: HandlerContext,
): OperationContext => ({
  get caller() {
    return callerOf(context.values);
  },
  get drafts() {
    return resolve().drafts;
  },
  get objects() {
    return resolve().objects;
  },
  get multipart() {
    return resolveMultipart();
  },
  get accounts() {
    return resolve().accounts;
  },
});

/** draft.v1.DraftService over the core services: every method from its binding in DRAFT_RPCS. */
export const draftServiceImpl = (
  resolve: DraftsResolver,
  resolveMultipart: MultipartResolver = noMultipart,
): ServiceImpl<typeof DraftService> =>
  Object.fromEntries(
    Object.entries(DRAFT_RPCS).map(([method, binding]) => [
      method,
      (request: never, context: HandlerContext) =>
        binding.handle(request, operationContext(resolve, resolveMultipart, context)),
    ]),
  ) as ServiceImpl<typeof DraftService>;

/** Each method's audit, as its operation declares it. */
const auditOfMethod = (method: string) => {
  const binding = DRAFT_RPCS[method as keyof typeof DRAFT_RPCS] as
    (typeof DRAFT_RPCS)[keyof typeof DRAFT_RPCS] | undefined;
  return binding?.operation.audit;
};

/** Handler options for draftRoutes: which protocols to serve, extra interceptors, limits. */
export type DraftRoutesOptions = ConnectRouterOptions & {
  /** Serves the multipart RPCs; without it they fail (500-class, logged). */
  readonly multipart?: MultipartResolver;
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
      // The error mapping outside the audit, so outer interceptors see the mapped
      // ConnectError and the audit sees the domain's error (its code is the outcome).
      interceptors: [
        ...(options.interceptors ?? []),
        draftErrorInterceptor,
        auditInterceptor(auditOfMethod),
      ],
    });
    // Body parsing happens before any interceptor, so its errors are mapped here.
    for (let index = first; index < router.handlers.length; index += 1) {
      router.handlers[index] = reportParseFailuresAsInvalidArgument(router.handlers[index]!);
    }
  };
