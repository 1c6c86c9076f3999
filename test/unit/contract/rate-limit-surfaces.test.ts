import { readFile } from 'node:fs/promises';
import { createClient, createRouterTransport, ConnectError, Code } from '@connectrpc/connect';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Services } from '../../../lambdas/compose.js';
import type { OperationSpec } from '../../../lambdas/contract/operation.js';
import { OPERATIONS } from '../../../lambdas/contract/operations/index.js';
import { DraftError } from '../../../lambdas/core/errors.js';
import { RateLimiter, type RateCounters } from '../../../lambdas/core/rate-limiter.js';
import type { RateWindow } from '../../../lambdas/core/rate-window.js';
import {
  DraftService,
  ErrorType,
  ResultSchema,
  Stage,
} from '../../../lambdas/gen/draft/v1/draft_pb.js';
import { ROUTES } from '../../../lambdas/http/routes.js';
import { draftRoutes, type RpcServices } from '../../../lambdas/rpc/routes.js';
import { OPENAPI_DOCS, type RouteDocs } from '../../../scripts/openapi/operation-docs.js';

const SPECS: readonly OperationSpec[] = OPERATIONS;

/** The classes the issue asks for, by operation: the specs must declare exactly these. */
const EXPECTED = {
  'upload-url': 'write',
  'upload-form': 'write',
  'multipart-create': 'write',
  'multipart-sign-parts': 'write',
  'confirm-upload': 'write',
  'delete-object': 'write',
  'list-objects': 'read',
  'object-info': 'read',
  'download-url': 'read',
  'create-draft-bucket': 'none',
  health: 'none',
  'multipart-list-parts': 'none',
  'multipart-complete': 'none',
  'multipart-abort': 'none',
  // Not among the limited calls the issue names.
  usage: 'none',
} as const;

/** Counters that are always full: every counted request is refused, and recorded. */
class FullCounters implements RateCounters {
  readonly asked: RateWindow[] = [];
  take(window: RateWindow): Promise<boolean> {
    this.asked.push(window);
    return Promise.resolve(false);
  }
}

/** A domain that must never be reached by a refused request. */
const untouchable = new Proxy(
  {},
  {
    get: (_target, property) => () => {
      throw new DraftError('internal', `the domain was reached (${String(property)})`);
    },
  },
);

const servicesWith = (counters: RateCounters) => {
  const limits = new RateLimiter({
    limits: { write: 5, read: 50 },
    counters,
    clock: () => new Date('2026-12-07T21:30:45Z'),
  });
  return {
    drafts: untouchable,
    objects: untouchable,
    multipart: untouchable,
    limits,
  } as unknown as Services & RpcServices;
};

const eventFor = (method: string, path: string, body: unknown): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      requestId: 'rate-limits',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '198.51.100.9', userAgent: 'jest' },
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

const context = {
  functionName: 'rate-limits',
  awsRequestId: 'rate-limits',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

describe('rate limits are declared once per operation', () => {
  it('in its spec, with the class the setting names', () => {
    expect(Object.fromEntries(SPECS.map((spec) => [spec.name, spec.operation.rateLimit]))).toEqual(
      EXPECTED,
    );
  });

  it.each([
    ...ROUTES.filter((route) => EXPECTED[route.operation as keyof typeof EXPECTED] !== 'none').map(
      (route) => [route.entry, `../../../lambdas/http/${route.entry}.ts`] as const,
    ),
    ['connect', '../../../lambdas/rpc/function-url.ts'] as const,
    ['companion', '../../../lambdas/http/companion.ts'] as const,
  ])(
    'the %s function, which serves a limited operation, is composed with its counters',
    async (_entry, path) => {
      // Without them, a limited call would fail as internal (never pass unlimited).
      const source = await readFile(new URL(path, import.meta.url), 'utf8');
      expect(source).toMatch(/usage: composeUsage/);
    },
  );
});

describe('every surface applies the operation’s rate limit before its domain call', () => {
  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s',
    async (_label, route) => {
      // prepare: a valid request (the route's documented example), counters that are full
      const counters = new FullCounters();
      const docs = OPENAPI_DOCS[route.operation as keyof typeof OPENAPI_DOCS] as Record<
        string,
        RouteDocs
      >;
      const body = docs[route.surface]?.request?.example;
      const handler = route.create(() => servicesWith(counters));

      // act
      const response = await handler(eventFor(route.method, route.path, body), context);

      // assess
      const rateClass = EXPECTED[route.operation as keyof typeof EXPECTED];
      if (rateClass === 'none') {
        expect(counters.asked).toHaveLength(0);
        expect(response.statusCode).not.toBe(429);
        return;
      }
      expect(counters.asked).toEqual([
        expect.objectContaining({ rateClass, subject: { address: '198.51.100.9' } }),
      ]);
      expect(response.statusCode).toBe(429);
      expect(response.headers?.['retry-after']).toBe('15');
      const json = JSON.parse(response.body as string) as Record<string, any>;
      if (route.surface === 'rest') {
        expect(json.error).toEqual({
          code: 'rate_limited',
          message: expect.stringMatching(/15 s/),
        });
      } else {
        expect(json.result).toEqual({
          error_message: expect.stringMatching(/a minute/),
          error_type: 12,
        });
      }
    },
  );

  /** A request every draft.v1 method's own checks accept. */
  const VALID = {
    objectName: 'a.txt',
    prefix: 'p/',
    stage: Stage.MAIN,
    contentLength: 10n,
    uploadId: 'upload',
    uploadToken: 'token',
    partNumbers: [1],
    parts: [{ partNumber: 1, etag: '"etag"' }],
  };

  it.each(DraftService.methods.map((method) => [method.name, method.localName] as const))(
    'draft.v1 %s',
    async (_name, localName) => {
      const counters = new FullCounters();
      const services = servicesWith(counters);
      const client = createClient(
        DraftService,
        createRouterTransport(draftRoutes(() => services, { multipart: () => services.multipart })),
      ) as unknown as Record<string, (request: object) => Promise<unknown>>;

      const error = await client[localName]!(VALID).then(
        () => undefined,
        (failure: unknown) => ConnectError.from(failure),
      );

      const spec = SPECS.find((candidate) => candidate.rpc === localName)!;
      const rateClass = EXPECTED[spec.name as keyof typeof EXPECTED];
      if (rateClass === 'none') {
        expect(counters.asked).toHaveLength(0);
        expect(error?.code).not.toBe(Code.ResourceExhausted);
        return;
      }
      // In memory there is no source address: an anonymous caller is counted as unknown.
      expect(counters.asked).toEqual([
        expect.objectContaining({ rateClass, subject: { address: 'unknown' } }),
      ]);
      expect(error?.code).toBe(Code.ResourceExhausted);
      expect(error?.metadata.get('retry-after')).toBe('15');
      expect(error?.findDetails(ResultSchema)[0]?.errorType).toBe(ErrorType.RATE_LIMITED);
    },
  );
});
