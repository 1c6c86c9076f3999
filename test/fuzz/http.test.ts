import { jest } from '@jest/globals';
import fc from 'fast-check';
import { DRAFT_ERROR_CODES } from '../../lambdas/core/errors.js';
import { DraftService } from '../../lambdas/gen/draft/v1/draft_pb.js';
import { isCompatPath, ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import { spawnLocalRuntime, type SpawnedRuntime } from '../helpers/spawned-runtime.js';
import { putPart, type SignedPartJson } from '../helpers/multipart.js';
import { putPresigned, sha256 } from '../helpers/uploads.js';
import {
  connectBody,
  fuzzSettings,
  multipartCall,
  requestHeaders,
  snakeCaseBody,
  type LiveUpload,
} from './arbitraries.js';

jest.setTimeout(600_000);

const { seed, runs } = fuzzSettings(10_000);
// Split of the cases: REST gets half, the original routes a fifth, calls on a live multipart
// upload a twentieth, Connect the rest.
const REST_RUNS = Math.ceil(runs * 0.5);
const COMPAT_RUNS = Math.ceil(runs * 0.2);
const MULTIPART_RUNS = Math.ceil(runs * 0.05);
const CONNECT_RUNS = Math.max(1, runs - REST_RUNS - COMPAT_RUNS - MULTIPART_RUNS);

/** Every route of the table (lambdas/http/route-table.ts), split by the error shape it keeps. */
const REST_ROUTES = ROUTE_TABLE.map((route) => route.path).filter((path) => !isCompatPath(path));
const COMPAT_ROUTES = ROUTE_TABLE.map((route) => route.path).filter(isCompatPath);
/**
 * Any REST route, upload-url more often: its accepted names go on to the round trip below,
 * and the other eleven routes would otherwise leave it too few.
 */
const restRoute = fc.oneof(
  { weight: 1, arbitrary: fc.constant('/api/v1/upload-url') },
  { weight: 3, arbitrary: fc.constantFrom(...REST_ROUTES) },
);
/** Every draft.v1 RPC. */
const RPCS = DraftService.methods.map((method) => method.name);
/** Connect's codes as they appear in a JSON error body, with the HTTP status the protocol gives each. */
const CONNECT_STATUS: Readonly<Record<string, number>> = {
  canceled: 499,
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  failed_precondition: 400,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
  unauthenticated: 401,
};
/** Codes the REST surface documents (the error table in docs/rest-api.md). */
const REST_CODES = new Set<string>([...DRAFT_ERROR_CODES, 'method_not_allowed']);

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constant('POST') },
  { weight: 2, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
);

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly contentType: string;
}

const describeCase = (details: object) => JSON.stringify(details).slice(0, 400);

/**
 * Cases go to the server 8 at a time: one property run is a batch of 8 generated cases,
 * sent concurrently, so the count of cases is 8 × numRuns and a failure still shrinks.
 */
const BATCH = 8;
const batchOf = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.array(arbitrary, { minLength: BATCH, maxLength: BATCH });
const batches = (cases: number) => Math.max(1, Math.ceil(cases / BATCH));

describe(`HTTP fuzz on npm start (seed ${seed}, ${runs} cases; replay with FUZZ_SEED=${seed} FUZZ_RUNS=${runs})`, () => {
  let runtime: SpawnedRuntime;
  /** Names upload-url accepted, keyed by authorization and name: each must then go all the way through. */
  const accepted = new Map<string, { name: string; authorization: string | undefined }>();

  beforeAll(async () => {
    process.stdout.write(`[fuzz] seed ${seed}, ${runs} cases (FUZZ_SEED / FUZZ_RUNS override)\n`);
    runtime = await spawnLocalRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  const send = async (
    path: string,
    verb: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<Answer> => {
    const response = await fetch(`${runtime.apiUrl}${path}`, {
      method: verb,
      headers,
      ...(verb !== 'GET' && verb !== 'HEAD' && { body }),
    });
    return {
      status: response.status,
      text: await response.text(),
      contentType: response.headers.get('content-type') ?? '',
    };
  };

  /** Every failure of this surface is `{"error": {"code", "message"}}` with a documented code. */
  const expectRestShape = (answer: Answer, context: object) => {
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
    const ok =
      Object.keys(body).length === 1 &&
      body.error !== undefined &&
      Object.keys(body.error).sort().join() === 'code,message' &&
      typeof body.error.code === 'string' &&
      REST_CODES.has(body.error.code) &&
      typeof body.error.message === 'string';
    if (!ok)
      throw new Error(`undocumented REST error body ${answer.text} for ${describeCase(context)}`);
  };

  const expectAlive = (context: object) => {
    if (!runtime.alive()) {
      throw new Error(`npm start exited after ${describeCase(context)}:\n${runtime.stderr()}`);
    }
  };

  it(`REST routes: ${REST_RUNS} cases of any method, body and headers, no 5xx and documented errors`, async () => {
    await fc.assert(
      fc.asyncProperty(
        batchOf(fc.tuple(restRoute, method, snakeCaseBody, requestHeaders)),
        (cases) =>
          Promise.all(
            cases.map(async ([path, verb, body, headers]) => {
              const context = { path, verb, body, headers };
              const answer = await send(path, verb, body, headers);
              expectAlive(context);
              if (answer.status >= 500) {
                throw new Error(`${answer.status} ${answer.text} for ${describeCase(context)}`);
              }
              if (answer.status >= 400 && verb !== 'HEAD') expectRestShape(answer, context);
              if (answer.status === 200 && path === '/api/v1/upload-url' && verb === 'POST') {
                const { object_name: name } = JSON.parse(answer.text) as { object_name: string };
                accepted.set(`${headers.authorization}\n${name}`, {
                  name,
                  authorization: headers.authorization,
                });
              }
            }),
          ).then(() => undefined),
      ),
      { seed, numRuns: batches(REST_RUNS), endOnFailure: true },
    );
  });

  it(`original routes (/api/v1/draft/*): ${COMPAT_RUNS} cases, no 5xx and every failure as {result: ...}`, async () => {
    await fc.assert(
      fc.asyncProperty(
        batchOf(fc.tuple(fc.constantFrom(...COMPAT_ROUTES), snakeCaseBody, requestHeaders)),
        (cases) =>
          Promise.all(
            cases.map(async ([path, body, headers]) => {
              const context = { path, body, headers };
              const answer = await send(path, 'POST', body, headers);
              expectAlive(context);
              if (answer.status >= 500) {
                throw new Error(`${answer.status} ${answer.text} for ${describeCase(context)}`);
              }
              const json = JSON.parse(answer.text) as {
                result?: { success?: unknown; error_message?: unknown; error_type?: unknown };
              };
              const result = json.result;
              const ok =
                answer.status === 200
                  ? result?.success === true
                  : result !== undefined &&
                    Object.keys(json).length === 1 &&
                    Object.keys(result).sort().join() === 'error_message,error_type' &&
                    typeof result.error_message === 'string' &&
                    Number.isInteger(result.error_type) &&
                    (result.error_type as number) >= 0 &&
                    (result.error_type as number) <= 11;
              if (!ok) {
                throw new Error(
                  `undocumented answer ${answer.status} ${answer.text} for ${describeCase(context)}`,
                );
              }
            }),
          ).then(() => undefined),
      ),
      { seed: seed + 1, numRuns: batches(COMPAT_RUNS), endOnFailure: true },
    );
  });

  it(`Connect JSON: ${CONNECT_RUNS} cases, no 5xx and every failure a Connect error with its status`, async () => {
    await fc.assert(
      fc.asyncProperty(
        batchOf(
          fc.tuple(
            fc.constantFrom(...RPCS),
            connectBody,
            requestHeaders,
            fc.constantFrom('application/json', 'application/json; charset=utf-8'),
          ),
        ),
        (cases) =>
          Promise.all(
            cases.map(async ([rpc, body, headers, type]) => {
              const path = `/draft.v1.DraftService/${rpc}`;
              const context = { path, body, headers };
              const answer = await send(path, 'POST', body, { ...headers, 'content-type': type });
              expectAlive(context);
              if (answer.status >= 500) {
                throw new Error(`${answer.status} ${answer.text} for ${describeCase(context)}`);
              }
              if (answer.status !== 200) {
                const error = JSON.parse(answer.text) as { code?: unknown; message?: unknown };
                const ok =
                  typeof error.code === 'string' &&
                  CONNECT_STATUS[error.code] === answer.status &&
                  (error.message === undefined || typeof error.message === 'string');
                if (!ok) {
                  throw new Error(
                    `undocumented Connect answer ${answer.status} ${answer.text} for ${describeCase(context)}`,
                  );
                }
              }
            }),
          ).then(() => undefined),
      ),
      { seed: seed + 2, numRuns: batches(CONNECT_RUNS), endOnFailure: true },
    );
  });

  it(`multipart calls on a live upload: ${MULTIPART_RUNS} cases mixing its real fields with hostile ones, no 5xx and nothing changed`, async () => {
    // A real upload of 3 parts with parts 1 and 2 uploaded: a valid token lets each call reach
    // the store, and part 3's absence means no complete can ever succeed.
    const json = async (path: string, body: object) =>
      (await fetch(`${runtime.apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((response) => response.json())) as any;
    const created = await json('/api/v1/multipart/create', {
      object_name: 'fuzz/live.bin',
      content_length: 11 * 1024 ** 2,
      part_size: 5 * 1024 ** 2,
    });
    const reference = {
      object_name: 'fuzz/live.bin',
      upload_id: created.upload_id as string,
      upload_token: created.upload_token as string,
    };
    const signed = await json('/api/v1/multipart/sign-parts', {
      ...reference,
      part_numbers: [1, 2],
    });
    const etags: string[] = [];
    for (const part of signed.parts as SignedPartJson[]) {
      // The embedded store checks no signed length: small parts keep the test fast.
      const put = await putPart(part, Buffer.from(`part ${part.part_number}`));
      etags.push(put.headers.get('etag') ?? '');
    }
    const live: LiveUpload = { ...reference, etags };

    await fc.assert(
      fc.asyncProperty(batchOf(multipartCall(live)), (cases) =>
        Promise.all(
          cases.map(async ({ path, body }) => {
            const context = { path, body };
            const answer = await send(path, 'POST', body, { 'content-type': 'application/json' });
            expectAlive(context);
            if (answer.status >= 500) {
              throw new Error(`${answer.status} ${answer.text} for ${describeCase(context)}`);
            }
            if (answer.status >= 400) expectRestShape(answer, context);
          }),
        ).then(() => undefined),
      ),
      { seed: seed + 3, numRuns: batches(MULTIPART_RUNS), endOnFailure: true },
    );

    const listed = await json('/api/v1/multipart/list-parts', reference);
    expect(listed.parts.map((part: { etag: string }) => part.etag)).toEqual(etags);
  });

  it('uploads, downloads and confirms a sample of the names upload-url accepted, bytes intact', async () => {
    // About 2 % of REST cases are accepted uploads (plain segments, boundary lengths); far
    // fewer means the generators broke.
    expect(accepted.size).toBeGreaterThan(Math.floor(REST_RUNS / 200));
    const sample = [...accepted.keys()]
      .sort()
      .filter((_name, index, all) => index % Math.ceil(all.length / 40) === 0);
    for (const entry of sample) {
      const { name, authorization } = accepted.get(entry)!;
      const body = Buffer.from(`fuzzed ${name}`);
      const post = async (path: string, json: object) => {
        const response = await fetch(`${runtime.apiUrl}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(authorization !== undefined && { authorization }),
          },
          body: JSON.stringify(json),
        });
        return { status: response.status, json: (await response.json()) as any };
      };
      const ticket = await post('/api/v1/upload-url', {
        object_name: name,
        content_length: body.length,
      });
      expect({ name, status: ticket.status }).toEqual({ name, status: 200 });
      expect((await putPresigned(ticket.json.upload_url, body, ticket.json.headers)).status).toBe(
        200,
      );
      const draft = await post('/api/v1/download-url', { object_name: name });
      expect({ name, status: draft.status }).toEqual({ name, status: 200 });
      const draftBytes = Buffer.from(await (await fetch(draft.json.download_url)).arrayBuffer());
      expect(sha256(draftBytes)).toBe(sha256(body));
      const confirmed = await post('/api/v1/confirm-upload', { object_name: name });
      expect({ name, status: confirmed.status }).toEqual({ name, status: 200 });
      const main = await post('/api/v1/download-url', { object_name: name, stage: 'main' });
      const mainBytes = Buffer.from(await (await fetch(main.json.download_url)).arrayBuffer());
      expect({ name, sha: sha256(mainBytes) }).toEqual({ name, sha: sha256(body) });
    }
    expect(runtime.alive()).toBe(true);
    expect((await fetch(`${runtime.apiUrl}/health`)).status).toBe(200);
  });
});
