import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { DraftService } from '../../../lambdas/core/draft-service.js';
import { PROBE_PREFIX } from '../../../lambdas/storage/conditional-deletes.js';
import { partCopySource } from '../../../lambdas/storage/copy-source.js';
import { probePartCopySourceDecoding } from '../../../lambdas/storage/part-copy-source-probe.js';
import { S3ObjectStore } from '../../../lambdas/storage/s3-object-store.js';
import { draftFailure, s3Error } from '../../helpers/s3-faults.js';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

const MIB = 1024 ** 2;
const store = (compatibility: ConstructorParameters<typeof S3ObjectStore>[3] = {}) =>
  new S3ObjectStore(new S3Client({ region: 'us-east-1' }), undefined, {}, compatibility);

describe('UploadPartCopy copy source on stores that decode it twice (Ceph RGW 16.2)', () => {
  const bigCopy = {
    sourceBucket: 'drafts',
    sourceKey: 'auth0%7Cabc/100% sure.bin',
    sourceIfMatch: '"e"',
    targetBucket: 'main',
    targetKey: 'auth0%7Cabc/100% sure.bin',
    metadata: {},
    size: 65 * MIB,
  };

  const mockMultipart = () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(UploadPartCopyCommand).resolves({ CopyPartResult: { ETag: '"p"' } });
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"m-2"' });
  };
  const partSources = () =>
    s3.commandCalls(UploadPartCopyCommand).map((call) => call.args[0].input.CopySource);

  it('encodes every key segment twice for UploadPartCopy when configured', async () => {
    mockMultipart();
    await store({ partCopySourceDecodedTwice: true }).copy(bigCopy);
    expect(partSources()).toEqual([
      'drafts/auth0%25257Cabc/100%2525%2520sure.bin',
      'drafts/auth0%25257Cabc/100%2525%2520sure.bin',
    ]);
    // Decoded twice, as RGW does, it names the draft's key exactly.
    expect(decodeURIComponent(decodeURIComponent(partSources()[0]!))).toBe(
      `drafts/${bigCopy.sourceKey}`,
    );
  });

  it('encodes once by default (AWS), and CopyObject always once', async () => {
    mockMultipart();
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"c"' } });
    await store().copy(bigCopy);
    await store({ partCopySourceDecodedTwice: true }).copy({ ...bigCopy, size: 10 });
    expect(partSources()[0]).toBe('drafts/auth0%257Cabc/100%25%20sure.bin');
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input.CopySource).toBe(
      'drafts/auth0%257Cabc/100%25%20sure.bin',
    );
  });

  it('keeps the separators and leaves keys without escapes readable', () => {
    expect(partCopySource('b', 'alice/a b/c.txt', true)).toBe('b/alice/a%2520b/c.txt');
    expect(partCopySource('b', 'alice/a b/c.txt', false)).toBe('b/alice/a%20b/c.txt');
  });
});

describe('UploadPartCopy copy source, probed when no setting says (S3-compatible stores)', () => {
  const bigCopy = {
    sourceBucket: 'drafts',
    sourceKey: 'auth0%7Cabc/100% sure.bin',
    sourceIfMatch: '"e"',
    targetBucket: 'main',
    targetKey: 'auth0%7Cabc/100% sure.bin',
    metadata: {},
    size: 65 * MIB,
  };
  const md5 = (text: string) => `"${createHash('md5').update(text).digest('hex')}"`;

  /** A store whose part copy of the probe copies the object its decoding names. */
  const probedStore = (answer: () => { CopyPartResult: { ETag: string } }) => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'u1' });
    s3.on(AbortMultipartUploadCommand).resolves({});
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"m-2"' });
    s3.on(UploadPartCopyCommand).callsFake((input: { Key: string }) =>
      input.Key.startsWith(PROBE_PREFIX) ? answer() : { CopyPartResult: { ETag: '"p"' } },
    );
  };
  const sources = (probe: boolean) =>
    s3
      .commandCalls(UploadPartCopyCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.Key!.startsWith(PROBE_PREFIX) === probe)
      .map((input) => input.CopySource!);

  it('encodes twice after the probe saw the copy source decoded twice, probing only once', async () => {
    // Prepare
    probedStore(() => ({ CopyPartResult: { ETag: md5('copy source decoded twice') } }));
    const subject = store({ partCopySourceDecodedTwice: probePartCopySourceDecoding });

    // Act
    await subject.copy(bigCopy);
    await subject.copy(bigCopy);

    // Assess: the probe's source decodes cleanly once and twice (nothing a store can trip on).
    const [probe, ...others] = sources(true);
    expect(others).toEqual([]);
    expect(probe).toMatch(/x%2541$/);
    expect(decodeURIComponent(decodeURIComponent(probe!))).toMatch(/xA$/);
    expect(new Set(sources(false))).toEqual(
      new Set(['drafts/auth0%25257Cabc/100%2525%2520sure.bin']),
    );
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
  });

  it('encodes once where the probe copied the object named by one decoding', async () => {
    probedStore(() => ({ CopyPartResult: { ETag: md5('copy source decoded once') } }));
    await store({ partCopySourceDecodedTwice: probePartCopySourceDecoding }).copy(bigCopy);
    expect(new Set(sources(false))).toEqual(new Set(['drafts/auth0%257Cabc/100%25%20sure.bin']));
  });

  it('takes no probe when the setting says', async () => {
    probedStore(() => {
      throw new Error('no probe expected');
    });
    await store({ partCopySourceDecodedTwice: false }).copy(bigCopy);
    expect(sources(true)).toEqual([]);
  });

  it('fails that copy when the probe fails, and probes again on the next one', async () => {
    // Prepare
    let failures = 1;
    probedStore(() => {
      if (failures-- > 0) throw s3Error('InternalError', 500);
      return { CopyPartResult: { ETag: md5('copy source decoded twice') } };
    });
    const subject = store({ partCopySourceDecodedTwice: probePartCopySourceDecoding });

    // Act
    const failed = await draftFailure(subject.copy(bigCopy));
    await subject.copy(bigCopy);

    // Assess
    expect(failed.code).toBe('storage_unavailable');
    expect(sources(true)).toHaveLength(2);
    expect(new Set(sources(false))).toEqual(
      new Set(['drafts/auth0%25257Cabc/100%2525%2520sure.bin']),
    );
  });
});

describe('conditional deletes on stores that ignore If-Match', () => {
  /** A store like RGW 16.2: DeleteObject with any If-Match deletes, without an error. */
  const ignoringStore = () => {
    const probes: string[] = [];
    s3.on(PutObjectCommand).callsFake((input: { Key: string }) => {
      probes.push(input.Key);
      return { ETag: '"probe"' };
    });
    s3.on(DeleteObjectCommand).resolves({});
    s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
      if (input.Key.startsWith(PROBE_PREFIX)) throw s3Error('NotFound', 404);
      return { ETag: '"newer"', ContentLength: 1 };
    });
    return probes;
  };

  it('finds out with a probe, then keeps a replaced object by comparing ETags itself', async () => {
    const probes = ignoringStore();
    const subject = store({ probeConditionalDeletes: true });

    const error = await draftFailure(subject.delete('drafts', 'alice/a.txt', { ifMatch: '"e"' }));

    expect(error.code).toBe('conflict');
    expect(probes).toHaveLength(1);
    expect(probes[0]).toMatch(new RegExp(`^${PROBE_PREFIX}[0-9a-f-]{36}$`));
    const deletedKeys = s3.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key);
    expect(deletedKeys).not.toContain('alice/a.txt');
    // The probe object itself is removed: once with the wrong If-Match, once for good.
    expect(deletedKeys).toEqual([probes[0], probes[0]]);
  });

  it('probes each bucket once and deletes an unchanged object after its HEAD', async () => {
    ignoringStore();
    s3.on(HeadObjectCommand, { Key: 'alice/same.txt' }).resolves({ ETag: '"e"', ContentLength: 1 });
    const subject = store({ probeConditionalDeletes: true });

    await subject.delete('drafts', 'alice/same.txt', { ifMatch: '"e"' });
    await subject.delete('drafts', 'alice/same.txt', { ifMatch: '"e"' });

    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(1);
    const real = s3
      .commandCalls(DeleteObjectCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.Key === 'alice/same.txt');
    expect(real).toEqual([
      { Bucket: 'drafts', Key: 'alice/same.txt' },
      { Bucket: 'drafts', Key: 'alice/same.txt' },
    ]);
  });

  it('relies on If-Match where the probe saw it refused with 412', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"probe"' });
    s3.on(DeleteObjectCommand).callsFake((input: { Key: string; IfMatch?: string }) => {
      if (input.IfMatch !== undefined) throw s3Error('PreconditionFailed', 412);
      return {};
    });
    const subject = store({ probeConditionalDeletes: true });

    const error = await draftFailure(subject.delete('drafts', 'alice/a.txt', { ifMatch: '"e"' }));

    expect(error.code).toBe('conflict');
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });

  it('takes the ETag comparison, and probes again next time, when the probe itself fails', async () => {
    s3.on(PutObjectCommand).rejectsOnce(s3Error('SlowDown', 503)).resolves({ ETag: '"probe"' });
    s3.on(DeleteObjectCommand).rejects(s3Error('PreconditionFailed', 412));
    s3.on(HeadObjectCommand).resolves({ ETag: '"newer"', ContentLength: 1 });
    const subject = store({ probeConditionalDeletes: true });

    expect((await draftFailure(subject.delete('d', 'k', { ifMatch: '"e"' }))).code).toBe(
      'conflict',
    );
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
    expect((await draftFailure(subject.delete('d', 'k', { ifMatch: '"e"' }))).code).toBe(
      'conflict',
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(2);
  });
});

describe('DeleteObjects with the listed ETags', () => {
  it('sends each key with its ETag condition', async () => {
    s3.on(DeleteObjectsCommand).resolves({});
    await store().deleteMany('drafts', [{ key: 'alice/a', etag: '"1"' }, { key: 'alice/b' }]);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]!.args[0].input.Delete).toEqual({
      Objects: [{ Key: 'alice/a', ETag: '"1"' }, { Key: 'alice/b' }],
      Quiet: true,
    });
  });
});

describe('confirm, counted in S3 requests', () => {
  const buckets = { draft: 'drafts', main: 'uploads' };
  const service = (subject: S3ObjectStore) =>
    new DraftService({
      store: subject,
      buckets,
      policy: { maxUploadBytes: 1000, allowedContentTypes: [] },
      uploadTtlSeconds: 60,
      downloadTtlSeconds: 60,
    });
  const sent = () => s3.calls().map((call) => call.args[0].constructor.name);

  it('is HEAD draft, CopyObject, DeleteObject: three requests, main never read', async () => {
    s3.on(HeadObjectCommand, { Bucket: 'drafts' }).resolves({
      ETag: '"d"',
      ContentLength: 5,
      ContentType: 'text/plain',
    });
    s3.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"d"' } });
    s3.on(DeleteObjectCommand).resolves({});

    const confirmed = await service(store()).confirm({ owner: 'alice' }, { objectName: 'a.txt' });

    expect(confirmed).toMatchObject({ key: 'alice/a.txt', size: 5, etag: 'd' });
    expect(sent()).toEqual(['HeadObjectCommand', 'CopyObjectCommand', 'DeleteObjectCommand']);
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input.IfMatch).toBe('"d"');
  });

  it('reads main only when the draft is gone: a retried confirm is two HEADs', async () => {
    s3.on(HeadObjectCommand, { Bucket: 'drafts' }).rejects(s3Error('NotFound', 404));
    s3.on(HeadObjectCommand, { Bucket: 'uploads' }).resolves({
      ETag: '"d"',
      ContentLength: 5,
      Metadata: { 'draftstore-confirmed-from': 'd' },
    });

    const confirmed = await service(store()).confirm({ owner: 'alice' }, { objectName: 'a.txt' });

    expect(confirmed).toMatchObject({ key: 'alice/a.txt', size: 5, etag: 'd' });
    expect(sent()).toEqual(['HeadObjectCommand', 'HeadObjectCommand']);
  });
});
