import { readFile } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { createClient, createRouterTransport } from '@connectrpc/connect';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { OperationAudit, OperationSpec } from '../../../lambdas/contract/operation.js';
import { OPERATIONS } from '../../../lambdas/contract/operations/index.js';
import { DraftError } from '../../../lambdas/core/errors.js';
import { DraftService } from '../../../lambdas/gen/draft/v1/draft_pb.js';
import { ROUTE_TABLE } from '../../../lambdas/http/route-table.js';
import { ROUTES } from '../../../lambdas/http/routes.js';
import { logger } from '../../../lambdas/observability/logger.js';
import { DRAFT_RPCS } from '../../../lambdas/rpc/draft-rpcs.js';
import { draftRoutes } from '../../../lambdas/rpc/routes.js';
import { buildOpenApiDocument } from '../../../scripts/openapi/document.js';
import { OPENAPI_DOCS } from '../../../scripts/openapi/operation-docs.js';

const SPECS: readonly OperationSpec[] = OPERATIONS;

/** Operations that have no draft.v1 method, and why. */
const WITHOUT_RPC: Readonly<Record<string, string>> = {
  'upload-form': 'a presigned POST serves HTML forms; draft.v1 clients upload with GetUploadURL',
};

/** The only operation that writes no audit line. */
const UNAUDITED = ['health'];

/** The key and stage an audit line names, as `audit` declares them, for a request of `fields`. */
const subjectFor = (audit: OperationAudit, fields: { name: string; prefix: string }) => {
  const key =
    audit.about === 'service'
      ? undefined
      : `anonymous/${audit.about === 'prefix' ? fields.prefix : fields.name}`;
  const stage = typeof audit.stage === 'object' ? audit.stage.unset : audit.stage;
  return {
    owner: 'anonymous',
    ...(key !== undefined && { key }),
    ...(stage !== undefined && { stage }),
  };
};

const specOf = (name: string): OperationSpec => {
  const spec = SPECS.find((candidate) => candidate.name === name);
  if (spec === undefined) throw new Error(`no operation named ${name}`);
  return spec;
};

describe('the operation specs (lambdas/contract/operations)', () => {
  it('name each operation once, as its file', async () => {
    const names = SPECS.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      const source = await readFile(
        new URL(`../../../lambdas/contract/operations/${name}.ts`, import.meta.url),
        'utf8',
      );
      expect(source).toContain(`name: '${name}'`);
    }
  });

  it.each(SPECS.map((spec) => [spec.name, spec] as const))(
    '%s has every surface it should: an HTTP route, its RPC, its audit, its OpenAPI text and its functions',
    async (name, spec) => {
      // An HTTP route: the modern REST API's, the original API's, or both.
      expect(spec.rest !== undefined || spec.original !== undefined).toBe(true);

      // Its draft.v1 method, bound to this very operation, unless it says why it has none.
      if (spec.rpc === undefined) {
        expect(WITHOUT_RPC[name]).toEqual(expect.any(String));
      } else {
        expect(WITHOUT_RPC[name]).toBeUndefined();
        expect(DRAFT_RPCS[spec.rpc].operation).toBe(spec.operation);
      }

      // An audit action, or a reason for none (and only the health probe has one).
      expect(spec.operation.audit === undefined).toBe(spec.unaudited !== undefined);
      expect(spec.unaudited === undefined).toBe(!UNAUDITED.includes(name));

      // OpenAPI text for exactly its JSON surfaces, and a path in the document for each.
      const docs = OPENAPI_DOCS[name as keyof typeof OPENAPI_DOCS];
      expect(Object.keys(docs).sort()).toEqual(
        (['rest', 'original'] as const).filter((surface) => spec[surface] !== undefined).sort(),
      );
      const paths = buildOpenApiDocument().paths as Record<string, Record<string, unknown>>;
      if (spec.rest) expect(paths[spec.rest.path]?.[spec.rest.method.toLowerCase()]).toBeDefined();
      if (spec.original) expect(paths[spec.original.path]?.post).toBeDefined();

      // A Lambda function per route: `lambdas/http/<entry>.ts`, serving this operation.
      const routes = ROUTE_TABLE.filter((route) => route.operation === name);
      expect(routes).toHaveLength(
        Number(spec.rest !== undefined) + Number(spec.original !== undefined),
      );
      for (const route of routes) {
        const entry = new URL(`../../../lambdas/http/${route.entry}.ts`, import.meta.url);
        expect(await readFile(entry, 'utf8')).toContain(`../contract/operations/${name}.js`);
        const module = (await import(entry.href)) as { handler?: unknown };
        expect(module.handler).toEqual(expect.any(Function));
      }
    },
  );

  it('bind every draft.v1 method to exactly one operation', () => {
    const bound = SPECS.flatMap((spec) => (spec.rpc === undefined ? [] : [spec.rpc]));
    expect([...bound].sort()).toEqual(
      DraftService.methods.map((method) => method.localName).sort(),
    );
  });
});

describe('the audit trail covers every route and every RPC', () => {
  const storeDown = () => {
    throw new DraftError('storage_unavailable', 'The storage service is unavailable; try again.');
  };

  /** The audit lines the logger was given while `work` ran. */
  const auditLinesOf = async (work: () => Promise<unknown>) => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    try {
      await work();
      return info.mock.calls
        .filter(([message]) => message === 'audit')
        .map(([, record]) => record as unknown as Record<string, unknown>);
    } finally {
      info.mockRestore();
    }
  };

  const eventFor = (method: string, path: string): APIGatewayProxyEventV2 =>
    ({
      version: '2.0',
      routeKey: `${method} ${path}`,
      rawPath: path,
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      requestContext: {
        requestId: 'audit-coverage',
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      },
      ...(method === 'POST' && { body: '{"object_name":"a.txt"}' }),
      isBase64Encoded: false,
    }) as unknown as APIGatewayProxyEventV2;

  const context = {
    functionName: 'audit-coverage',
    awsRequestId: 'audit-coverage',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;

  it.each(ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s writes the audit line its operation declares (none for the health probe), even when it fails',
    async (_label, route) => {
      const handler = route.create(storeDown);
      const lines = await auditLinesOf(() => handler(eventFor(route.method, route.path), context));
      const { audit } = specOf(route.operation).operation;
      expect(lines.map((line) => line.action)).toEqual(audit ? [audit.action] : []);
      expect(audit === undefined).toBe(UNAUDITED.includes(route.operation));
      if (audit) {
        expect(lines[0]).toMatchObject({
          ...subjectFor(audit, { name: 'a.txt', prefix: '' }),
          outcome: expect.any(String),
        });
      }
    },
  );

  it.each(DraftService.methods.map((method) => [method.name, method.localName] as const))(
    'draft.v1 %s writes the audit line its operation declares (none for Health), even when it fails',
    async (_name, localName) => {
      const client = createClient(
        DraftService,
        createRouterTransport(draftRoutes(storeDown, { multipart: storeDown })),
      ) as unknown as Record<string, (request: object) => Promise<unknown>>;
      const lines = await auditLinesOf(() =>
        client[localName]!({ objectName: 'a.txt', prefix: 'p/' }).catch(() => undefined),
      );
      const spec = SPECS.find((candidate) => candidate.rpc === localName);
      const audit = spec?.operation.audit;
      expect(lines.map((line) => line.action)).toEqual(audit ? [audit.action] : []);
      expect(audit === undefined).toBe(spec !== undefined && UNAUDITED.includes(spec.name));
      if (audit) {
        expect(lines[0]).toMatchObject({
          ...subjectFor(audit, { name: 'a.txt', prefix: 'p/' }),
          outcome: expect.any(String),
        });
      }
    },
  );
});
