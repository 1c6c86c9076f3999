import { Code, ConnectError, createClient, createRouterTransport } from '@connectrpc/connect';
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { DraftService as Drafts } from '../../../lambdas/core/draft-service.js';
import { DraftError } from '../../../lambdas/core/errors.js';
import { ObjectCatalog } from '../../../lambdas/core/object-catalog.js';
import {
  BucketState,
  DraftService,
  ErrorType,
  ResultSchema,
  Stage,
} from '../../../lambdas/gen/draft/v1/draft_pb.js';
import { draftRoutes, principalKey } from '../../../lambdas/rpc/routes.js';
import { logger } from '../../../lambdas/observability/logger.js';
import { FakeObjectStore } from '../../helpers/fake-object-store.js';
import { UsageAccounts } from '../../../lambdas/core/usage-accounts.js';

const UNLIMITED = { bytes: null, objects: null };

const buckets = { draft: 'drafts', main: 'uploads' };
const now = new Date('2026-01-01T00:00:00Z');

/** The test's stand-in for an authenticating adapter: the principal comes from a header. */
const PRINCIPAL_HEADER = 'x-test-principal';

const setup = (
  options: {
    bucketNames?: string[];
    provisioning?: 'create' | 'verify';
    allowedContentTypes?: string[];
  } = {},
) => {
  const store = new FakeObjectStore(
    options.bucketNames ?? [buckets.draft, buckets.main],
    () => now,
  );
  const drafts = new Drafts({
    store,
    buckets,
    policy: {
      maxUploadBytes: 5 * 1024 ** 3,
      allowedContentTypes: options.allowedContentTypes ?? [],
    },
    uploadTtlSeconds: 600,
    downloadTtlSeconds: 60,
    clock: () => now,
    bucketProvisioning: options.provisioning ?? 'create',
  });
  const transport = createRouterTransport(
    draftRoutes(
      () => ({
        drafts,
        objects: new ObjectCatalog({ store, buckets }),
        accounts: new UsageAccounts({ store, mainBucket: buckets.main, defaults: UNLIMITED }),
      }),
      {
        interceptors: [
          (next) => async (request) => {
            const principal = request.header.get(PRINCIPAL_HEADER);
            if (principal !== null) request.contextValues.set(principalKey, principal);
            return next(request);
          },
        ],
      },
    ),
  );
  return { store, client: createClient(DraftService, transport) };
};

const as = (principal: string) => ({ headers: { [PRINCIPAL_HEADER]: principal } });

/** The failure of a call, with the draft.v1.Result from its details. */
const failureOf = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    const connectError = ConnectError.from(error);
    const [result] = connectError.findDetails(ResultSchema);
    return { code: connectError.code, message: connectError.rawMessage, result };
  }
  throw new Error('the call succeeded');
};

describe('draft.v1.DraftService over the core (in memory)', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('creates missing buckets and then reports them as existing', async () => {
    // Prepare
    const { store, client } = setup({ bucketNames: [buckets.main] });

    // Act
    const first = await client.createDraftBucket({});
    const second = await client.createDraftBucket({});

    // Assess
    expect(first.result?.success).toBe(true);
    expect([first.draftBucket, first.mainBucket]).toEqual([BucketState.CREATED, BucketState.OK]);
    expect([second.draftBucket, second.mainBucket]).toEqual([BucketState.OK, BucketState.OK]);
    expect(store.buckets.has(buckets.draft)).toBe(true);
  });

  it('succeeds for every one of many concurrent ensure calls', async () => {
    const { client } = setup({ bucketNames: [] });

    const results = await Promise.all(
      Array.from({ length: 8 }, () => client.createDraftBucket({})),
    );

    expect(results.every((response) => response.result?.success === true)).toBe(true);
  });

  it('only verifies the buckets in verify mode, and fails with FailedPrecondition when one is missing', async () => {
    const { store, client } = setup({ bucketNames: [buckets.main], provisioning: 'verify' });

    const failure = await failureOf(client.createDraftBucket({}));

    expect(failure.code).toBe(Code.FailedPrecondition);
    expect(failure.result?.errorType).toBe(ErrorType.BUCKET_NOT_FOUND);
    expect(store.buckets.has(buckets.draft)).toBe(false);
    expect(store.count('ensureBucket')).toBe(0);
  });

  it('answers an upload URL with the signed headers, the expiry and success', async () => {
    const { client } = setup();

    const response = await client.getUploadURL({
      objectName: 'docs/a.txt',
      contentType: 'text/plain',
      contentLength: 5n,
    });

    expect(response.result).toMatchObject({ success: true, errorMessage: '', errorType: 0 });
    expect(response.url).toBe('fake://drafts/anonymous/docs/a.txt?put&expires=600');
    expect(response.method).toBe('PUT');
    expect(response.headers).toEqual({ 'content-type': 'text/plain', 'content-length': '5' });
    expect(timestampDate(response.expiresAt!).toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(response.objectName).toBe('docs/a.txt');
  });

  it('signs a declared length of zero (an empty object)', async () => {
    const { client } = setup();

    const response = await client.getUploadURL({ objectName: 'empty', contentLength: 0n });

    expect(response.headers).toEqual({ 'content-length': '0' });
  });

  it('keys the object under the authenticated principal', async () => {
    const { client } = setup();

    const response = await client.getUploadURL({ objectName: 'a.txt' }, as('alice|1'));

    expect(response.url).toBe('fake://drafts/alice%7C1/a.txt?put&expires=600');
  });

  it.each([
    ['a traversal', { objectName: '../x' }, ErrorType.INVALID_OBJECT_NAME],
    ['an empty name', { objectName: '' }, ErrorType.INVALID_OBJECT_NAME],
    [
      'a malformed content type',
      { objectName: 'a', contentType: 'not a type' },
      ErrorType.UNSPECIFIED,
    ],
    ['a malformed MD5', { objectName: 'a', contentMd5: 'abc' }, ErrorType.UNSPECIFIED],
    ['a negative length', { objectName: 'a', contentLength: -1n }, ErrorType.UNSPECIFIED],
  ])('refuses %s with InvalidArgument', async (_label, request, errorType) => {
    const { store, client } = setup();

    const failure = await failureOf(client.getUploadURL(request));

    expect(failure.code).toBe(Code.InvalidArgument);
    expect(failure.result).toMatchObject({ success: false, errorType });
    expect(failure.result?.errorMessage).toBe(failure.message);
    expect(store.count('presignPut')).toBe(0);
  });

  it('refuses a type outside ALLOWED_CONTENT_TYPES with InvalidArgument', async () => {
    const { client } = setup({ allowedContentTypes: ['image/*'] });

    const failure = await failureOf(
      client.getUploadURL({ objectName: 'a', contentType: 'text/html' }),
    );

    expect(failure.code).toBe(Code.InvalidArgument);
    expect(failure.message).toMatch(/not allowed/);
  });

  it('answers NotFound with ERROR_TYPE_OBJECT_NOT_FOUND for a draft that does not exist', async () => {
    const { client } = setup();

    const download = await failureOf(client.getDownloadURL({ objectName: 'missing.txt' }));
    const confirm = await failureOf(client.confirmUpload({ objectName: 'missing.txt' }));

    for (const failure of [download, confirm]) {
      expect(failure.code).toBe(Code.NotFound);
      expect(failure.result).toMatchObject({
        success: false,
        errorType: ErrorType.OBJECT_NOT_FOUND,
        errorMessage: 'No draft named "missing.txt".',
      });
    }
  });

  it('previews a draft, confirms it, and then serves it from the main stage', async () => {
    const { store, client } = setup();
    store.put(buckets.draft, 'anonymous/a.txt', 'hello', { contentType: 'text/plain' });

    const preview = await client.getDownloadURL({ objectName: 'a.txt' });
    const confirmed = await client.confirmUpload({ objectName: 'a.txt' });
    const main = await client.getDownloadURL({ objectName: 'a.txt', stage: Stage.MAIN });

    expect(preview).toMatchObject({
      result: { success: true },
      url: 'fake://drafts/anonymous/a.txt?get&expires=60',
      stage: Stage.DRAFT,
    });
    expect(confirmed).toMatchObject({
      result: { success: true },
      finalLocation: 'uploads/anonymous/a.txt',
      size: 5n,
      contentType: 'text/plain',
      etag: '5d41402abc4b2a76b9719d911017c592',
      objectName: 'a.txt',
    });
    expect(main).toMatchObject({
      url: 'fake://uploads/anonymous/a.txt?get&expires=60',
      stage: Stage.MAIN,
    });
  });

  it("hides one owner's draft from another", async () => {
    const { store, client } = setup();
    store.put(buckets.draft, 'alice/secret.txt', 'x');

    const failure = await failureOf(
      client.confirmUpload({ objectName: 'secret.txt' }, as('mallory')),
    );

    expect(failure.code).toBe(Code.NotFound);
    expect(store.get(buckets.draft, 'alice/secret.txt')).toBeDefined();
  });

  it('refuses an unknown stage number', async () => {
    const { client } = setup();

    const failure = await failureOf(client.getDownloadURL({ objectName: 'a', stage: 7 as Stage }));

    expect(failure.code).toBe(Code.InvalidArgument);
  });

  it('maps storage outages to Unavailable with ERROR_TYPE_NETWORK_ERROR', async () => {
    const { store, client } = setup();
    store.failNext(
      'head',
      new DraftError('storage_unavailable', 'Storage is unavailable; try again.'),
    );

    const failure = await failureOf(client.getDownloadURL({ objectName: 'a' }));

    expect(failure.code).toBe(Code.Unavailable);
    expect(failure.result?.errorType).toBe(ErrorType.NETWORK_ERROR);
  });

  it('hides an unexpected failure behind Internal with a safe message', async () => {
    const { store, client } = setup();
    store.failNext('presignGet', new Error('secret-key=hunter2 in a stack trace'));
    store.put(buckets.draft, 'anonymous/a', 'x');

    const failure = await failureOf(client.getDownloadURL({ objectName: 'a' }));

    expect(failure.code).toBe(Code.Internal);
    expect(failure.message).toBe('An internal error occurred.');
    expect(failure.result?.errorType).toBe(ErrorType.INTERNAL_ERROR);
  });

  it('reports bucket health without failing the call', async () => {
    const { client } = setup({ bucketNames: [buckets.draft] });

    const response = await client.health({});

    expect(response).toMatchObject({
      result: { success: true },
      healthy: false,
      draftBucket: BucketState.OK,
      mainBucket: BucketState.UNAVAILABLE,
    });
  });
});
