import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { UsageReconciler } from '../../lambdas/core/usage-reconciler.js';
import { bearerFor, type TestRuntime } from '../helpers/local-runtime.js';
import { putPresigned } from '../helpers/uploads.js';
import { describeEachStore, startStoreRuntime, type StoreName } from './stores.js';

jest.setTimeout(180_000);

const SIZE = 1000;
/** The default quota: exactly 20 objects of SIZE bytes. */
const QUOTA_BYTES = 20 * SIZE;

/**
 * Per-owner quotas through the runtime's REST API, with the ledger in dynalite, on each store
 * (the embedded one and Ceph RGW). Every figure is checked against main itself.
 */
describeEachStore('storage quotas and usage', (store: StoreName) => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startStoreRuntime(store, { QUOTA_BYTES: String(QUOTA_BYTES) });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const as = (owner: string) => {
    const headers = bearerFor(owner);
    const post = (path: string, body: object) => api.post(path, body, headers);
    return {
      post,
      upload: async (name: string, size = SIZE, fill = 1) => {
        const ticket = await post('/api/v1/upload-url', {
          object_name: name,
          content_type: 'application/octet-stream',
          content_length: size,
        });
        expect(ticket.status).toBe(200);
        const put = await putPresigned(
          ticket.json.upload_url,
          new Uint8Array(size).fill(fill),
          ticket.json.headers,
        );
        expect(put.status).toBe(200);
      },
      confirm: (name: string) => post('/api/v1/confirm-upload', { object_name: name }),
      usage: async () => (await post('/api/v1/usage', {})).json,
      /** What main holds under the owner, listed from the store. */
      main: () => api.services.accounts.measure(owner),
    };
  };

  it('admits exactly 20 of 50 parallel confirms when the quota fits 20, and counts what main holds', async () => {
    // Prepare
    const owner = as(`fill-${store}`);
    const names = Array.from({ length: 50 }, (_, index) => `many/${index}.bin`);
    for (const name of names) await owner.upload(name);

    // Act
    const answers = await Promise.all(names.map((name) => owner.confirm(name)));

    // Assess
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 413)).toHaveLength(30);
    expect(
      answers.filter((a) => a.status === 413).every((a) => a.json.error.code === 'quota_exceeded'),
    ).toBe(true);
    expect(await owner.main()).toEqual({ bytes: QUOTA_BYTES, objects: 20 });
    expect(await owner.usage()).toEqual({
      bytes: QUOTA_BYTES,
      objects: 20,
      quota: { bytes: QUOTA_BYTES, objects: null },
    });
  });

  it('counts 20 parallel confirms of the same draft once', async () => {
    const owner = as(`same-${store}`);
    await owner.upload('one.bin');

    const answers = await Promise.all(Array.from({ length: 20 }, () => owner.confirm('one.bin')));

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(await owner.main()).toEqual({ bytes: SIZE, objects: 1 });
    expect(await owner.usage()).toMatchObject({ bytes: SIZE, objects: 1 });
  });

  it('charges an overwrite its size difference, up and down', async () => {
    const owner = as(`overwrite-${store}`);
    await owner.upload('doc.bin', SIZE);
    expect((await owner.confirm('doc.bin')).status).toBe(200);

    await owner.upload('doc.bin', 3 * SIZE, 2);
    expect((await owner.confirm('doc.bin')).status).toBe(200);
    expect(await owner.usage()).toMatchObject({ bytes: 3 * SIZE, objects: 1 });

    await owner.upload('doc.bin', SIZE / 2, 3);
    expect((await owner.confirm('doc.bin')).status).toBe(200);
    expect(await owner.usage()).toMatchObject({ bytes: SIZE / 2, objects: 1 });
    expect(await owner.main()).toEqual({ bytes: SIZE / 2, objects: 1 });
  });

  it('refuses an overwrite that would pass the quota, and keeps the old object', async () => {
    const owner = as(`over-${store}`);
    await owner.upload('small.bin', SIZE);
    expect((await owner.confirm('small.bin')).status).toBe(200);
    // Uploaded while it still fits (upload-url refuses early what cannot), confirmed after
    // the quota has filled up: confirm is the authority.
    await owner.upload('small.bin', SIZE + 1, 4);
    await owner.upload('big.bin', QUOTA_BYTES - SIZE);
    expect((await owner.confirm('big.bin')).status).toBe(200);
    const refused = await owner.confirm('small.bin');
    expect(refused.status).toBe(413);
    expect(refused.json.error.code).toBe('quota_exceeded');
    expect(await owner.main()).toEqual({ bytes: QUOTA_BYTES, objects: 2 });
    expect(await owner.usage()).toMatchObject({ bytes: QUOTA_BYTES, objects: 2 });
    // The draft stays until the sweep.
    const draft = await owner.post('/api/v1/object-info', {
      object_name: 'small.bin',
      stage: 'draft',
    });
    expect(draft.status).toBe(200);
  });

  it('subtracts a deleted object exactly once, however often and however raced the delete', async () => {
    const owner = as(`delete-${store}`);
    await owner.upload('gone.bin');
    await owner.upload('kept.bin');
    expect((await owner.confirm('gone.bin')).status).toBe(200);
    expect((await owner.confirm('kept.bin')).status).toBe(200);

    const raced = await Promise.all(
      Array.from({ length: 10 }, () =>
        owner.post('/api/v1/delete-object', { object_name: 'gone.bin', stage: 'main' }),
      ),
    );
    const repeated = await owner.post('/api/v1/delete-object', {
      object_name: 'gone.bin',
      stage: 'main',
    });

    expect([...raced, repeated].map((answer) => answer.status)).toEqual(Array(11).fill(200));
    expect(await owner.usage()).toMatchObject({ bytes: SIZE, objects: 1 });
    expect(await owner.main()).toEqual({ bytes: SIZE, objects: 1 });
  });

  it('refuses early an upload whose declared length cannot fit, on upload-url and multipart create', async () => {
    const owner = as(`early-${store}`);
    await owner.upload('half.bin', QUOTA_BYTES / 2);
    expect((await owner.confirm('half.bin')).status).toBe(200);

    const url = await owner.post('/api/v1/upload-url', {
      object_name: 'too-big.bin',
      content_length: QUOTA_BYTES / 2 + 1,
    });
    const fits = await owner.post('/api/v1/upload-url', {
      object_name: 'fits.bin',
      content_length: QUOTA_BYTES / 2,
    });
    const multipart = await owner.post('/api/v1/multipart/create', {
      object_name: 'too-big-parts.bin',
      content_length: QUOTA_BYTES,
    });

    expect([url.status, url.json.error?.code]).toEqual([413, 'quota_exceeded']);
    expect(fits.status).toBe(200);
    expect([multipart.status, multipart.json.error?.code]).toEqual([413, 'quota_exceeded']);
  });

  it('honours a per-owner override of the default quota', async () => {
    const name = `override-${store}`;
    const owner = as(name);
    await api.services.usage!.ledger.setOverrides(name, { bytes: null, objects: 1 });
    await owner.upload('a.bin');
    await owner.upload('b.bin');

    expect((await owner.confirm('a.bin')).status).toBe(200);
    expect((await owner.confirm('b.bin')).status).toBe(413);
    expect(await owner.usage()).toEqual({
      bytes: SIZE,
      objects: 1,
      quota: { bytes: null, objects: 1 },
    });
  });

  describe('reconciliation', () => {
    const reconciler = () =>
      new UsageReconciler(api.services.usage!.ledger, api.services.accounts, { minAgeSeconds: 0 });

    it('restores exact usage after a crash between the ledger write and the copy', async () => {
      // Prepare: the charge happened, the copy never did (the function died in between).
      const name = `crash-charge-${store}`;
      const owner = as(name);
      await owner.upload('kept.bin');
      expect((await owner.confirm('kept.bin')).status).toBe(200);
      await api.services.accounts.charge(name, { name: 'lost.bin', etag: '"abc"', size: SIZE });
      expect(await owner.usage()).toMatchObject({ bytes: 2 * SIZE, objects: 2 });

      // Act
      const drifts = await reconciler().reconcile(name);

      // Assess
      expect(drifts.map((drift) => [drift.kind, drift.name])).toEqual([
        ['orphan_record', 'lost.bin'],
      ]);
      expect(await owner.usage()).toMatchObject(await owner.main());
      expect(await owner.main()).toEqual({ bytes: SIZE, objects: 1 });
    });

    it('restores exact usage when main changed without the ledger (copy without charge, removal outside the API)', async () => {
      const name = `crash-copy-${store}`;
      const owner = as(name);
      await owner.upload('a.bin');
      await owner.upload('b.bin');
      expect((await owner.confirm('a.bin')).status).toBe(200);
      expect((await owner.confirm('b.bin')).status).toBe(200);
      const { main } = api.config.buckets;
      // An object reached main without its charge, and a lifecycle rule removed another.
      await api.services.client.send(
        new PutObjectCommand({ Bucket: main, Key: `${name}/c.bin`, Body: Buffer.alloc(3 * SIZE) }),
      );
      await api.services.client.send(
        new DeleteObjectCommand({ Bucket: main, Key: `${name}/a.bin` }),
      );
      // And the total itself drifted.
      await api.services.usage!.ledger.adjust(name, { bytes: 7, objects: 0 });

      const drifts = await reconciler().reconcile(name);

      expect(drifts.map((drift) => drift.kind).sort()).toEqual([
        'missing_record',
        'orphan_record',
        'usage',
      ]);
      expect(await owner.main()).toEqual({ bytes: 4 * SIZE, objects: 2 });
      expect(await owner.usage()).toMatchObject({ bytes: 4 * SIZE, objects: 2 });
      // A second run finds nothing left to fix.
      expect(await reconciler().reconcile(name)).toEqual([]);
    });
  });
});
