import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { bearerFor, type TestRuntime } from '../helpers/local-runtime.js';
import { seeded } from '../helpers/seeded.js';
import { putPresigned, sha256 } from '../helpers/uploads.js';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  describeEachStore,
  listKeys,
  listUploads,
  putWith,
  startStoreRuntime,
  type StoreName,
} from './stores.js';

jest.setTimeout(120_000);

const MIXES = [
  'confirms',
  'delete-draft',
  'delete-main',
  're-upload',
  'multipart',
  'abort',
] as const;
type Mix = (typeof MIXES)[number];
const OWNER = 'racer';
const NAMES_PER_MIX = 4;

/**
 * Concurrent calls on the same names, the way an outside load tester would mix them, against
 * each store (the embedded one and Ceph RGW) through the runtime's REST API. Which call wins
 * differs from run to run; what is asserted holds for every interleaving: no 5xx, and
 * afterwards (read from the store directly) every name is where one of the outcomes puts it,
 * with the bytes of exactly one version written.
 */
describeEachStore('concurrent calls on the same names', (store: StoreName) => {
  let api: TestRuntime;
  const headers = bearerFor(OWNER);

  beforeAll(async () => {
    api = await startStoreRuntime(store);
  });
  afterAll(async () => {
    await api?.stop();
  });

  const call = (path: string, body: object) => api.post(path, body, headers);

  /** Bytes of one version: its name, its index and seeded filler, so no two versions share a digest. */
  const version = (random: () => number, name: string, index: number): Buffer => {
    const filler = Buffer.alloc(512 + Math.floor(random() * 2048));
    for (let i = 0; i < filler.length; i += 1) filler[i] = Math.floor(random() * 256);
    return Buffer.concat([Buffer.from(`${name}#${index}\n`), filler]);
  };

  const upload = async (name: string, body: Buffer): Promise<number> => {
    const ticket = await call('/api/v1/upload-url', {
      object_name: name,
      content_type: 'application/octet-stream',
      content_length: body.length,
    });
    if (ticket.status !== 200) return ticket.status;
    return (await putPresigned(ticket.json.upload_url, body, ticket.json.headers)).status;
  };

  /**
   * A one-part multipart upload of `body`, completed and completed again (a client retrying
   * an answer it lost): the statuses, and whether the repeat answered as the first.
   */
  const multipart = async (
    name: string,
    body: Buffer,
    then: 'again' | 'abort',
  ): Promise<number[]> => {
    const created = await call('/api/v1/multipart/create', {
      object_name: name,
      content_length: body.length,
      content_type: 'application/octet-stream',
    });
    if (created.status !== 200) return [created.status];
    const reference = {
      object_name: name,
      upload_id: created.json.upload_id,
      upload_token: created.json.upload_token,
    };
    const signed = await call('/api/v1/multipart/sign-parts', { ...reference, part_numbers: [1] });
    if (signed.status !== 200) return [signed.status];
    const part = signed.json.parts[0];
    const put = await putWith(part.url, part.headers, body);
    if (put.status !== 200) return [put.status];
    const parts = [{ part_number: 1, etag: String(put.headers.etag ?? '') }];
    const completed = await call('/api/v1/multipart/complete', { ...reference, parts });
    // The client retries a complete whose answer it did not like; the retry must agree.
    if (then === 'abort') {
      return [completed.status, (await call('/api/v1/multipart/abort', reference)).status];
    }
    const again = await call('/api/v1/multipart/complete', { ...reference, parts });
    const same = JSON.stringify(again.json) === JSON.stringify(completed.json) ? 200 : 0;
    return [completed.status, again.status, same];
  };

  /**
   * The bucket's unfinished multipart uploads. The embedded store has no
   * ListMultipartUploads: there they are the folders s3rver keeps for them.
   */
  const unfinishedUploads = async (client: S3Client, bucket: string): Promise<string[]> =>
    store === 'rgw'
      ? listUploads(client, bucket)
      : readdir(join(api.dataDirectory, bucket, '._S3rver_uploads')).catch(() => []);

  const read = async (client: S3Client, bucket: string, key: string) => {
    try {
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await got.Body!.transformToByteArray());
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  };

  /** Walks both stages' listings in pages of 3 until `done`; every walk must list each name once. */
  const listUntil = async (done: () => boolean, problems: string[]): Promise<number> => {
    let walks = 0;
    while (!done()) {
      for (const stage of ['draft', 'main'] as const) {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await call('/api/v1/list-objects', {
            stage,
            prefix: 'race/',
            limit: 3,
            ...(cursor !== undefined && { cursor }),
          });
          if (page.status !== 200) {
            problems.push(`list-objects ${stage} answered ${page.status}`);
            break;
          }
          seen.push(
            ...page.json.objects.map((entry: { object_name: string }) => entry.object_name),
          );
          cursor = page.json.next_cursor;
        } while (cursor !== undefined);
        const repeated = seen.filter((name, index) => seen.indexOf(name) !== index);
        if (repeated.length > 0) problems.push(`list-objects ${stage} repeated ${repeated}`);
        if ([...seen].sort().join() !== seen.join()) problems.push(`list ${stage} out of order`);
      }
      walks += 1;
    }
    return walks;
  };

  it.each([[0x5eed], [0xd1ce]])(
    'seed %i: every name ends in draft or main with one version intact',
    async (seed) => {
      const random = seeded(seed);
      const statuses: { name: string; label: string; status: number }[] = [];
      const record = (name: string, label: string) => (status: number) => {
        statuses.push({ name, label, status });
        return status;
      };
      const plans = MIXES.flatMap((mix) =>
        Array.from({ length: NAMES_PER_MIX }, (_, i) => {
          const name = `race/${seed}/${mix}/${i} é+%.bin`;
          const versions = [0, 1, 2].map((index) => version(random, name, index));
          return { mix, name, versions, confirms: 2 + Math.floor(random() * 4) };
        }),
      );

      // Every name starts as a draft holding version 0, but those of the multipart mixes: a
      // confirm of that draft racing the upload's complete could copy the completed bytes
      // under version 0's metadata (RGW ignores CopySourceIfMatch, docs/rest-api.md "Confirm is
      // idempotent"), so the complete would rightly find no copy of its own.
      const seededDrafts = plans.filter((p) => p.mix !== 'multipart' && p.mix !== 'abort');
      for (const status of await Promise.all(
        seededDrafts.map((p) => upload(p.name, p.versions[0]!)),
      )) {
        expect(status).toBe(200);
      }
      // delete-main races a confirm of a name that is already in main with version 0.
      for (const plan of plans.filter((p) => p.mix === 'delete-main')) {
        expect((await call('/api/v1/confirm-upload', { object_name: plan.name })).status).toBe(200);
        expect(await upload(plan.name, plan.versions[1]!)).toBe(200);
      }

      const confirm = (name: string) =>
        call('/api/v1/confirm-upload', { object_name: name }).then((a) => a.status);
      const remove = (name: string, stage: 'draft' | 'main') =>
        call('/api/v1/delete-object', { object_name: name, stage }).then((a) => a.status);
      // Each call starts after a seeded pause, so that the races land at different points
      // of each other's requests; only which interleaving happens depends on timing.
      const later = <T>(work: () => Promise<T>): Promise<T> => {
        const pause = Math.floor(random() * 150);
        return new Promise((wake) => setTimeout(wake, pause)).then(work);
      };
      const race = (plan: (typeof plans)[number]): Promise<unknown>[] => {
        const confirms = Array.from({ length: plan.confirms }, () =>
          later(() => confirm(plan.name)).then(record(plan.name, 'confirm')),
        );
        const extra: Record<Mix, () => Promise<unknown>[]> = {
          confirms: () => [],
          'delete-draft': () => [
            later(() => remove(plan.name, 'draft')).then(record(plan.name, 'delete')),
          ],
          'delete-main': () => [
            later(() => remove(plan.name, 'main')).then(record(plan.name, 'delete')),
          ],
          're-upload': () => [
            later(() => upload(plan.name, plan.versions[1]!))
              .then(record(plan.name, 'upload 1'))
              .then(() => upload(plan.name, plan.versions[2]!))
              .then(record(plan.name, 'upload 2')),
          ],
          multipart: () => [
            later(() => multipart(plan.name, plan.versions[1]!, 'again')).then((all) =>
              all.map((status, i) =>
                record(plan.name, ['complete', 'again', 'same answer'][i]!)(status),
              ),
            ),
          ],
          abort: () => [
            later(() => multipart(plan.name, plan.versions[1]!, 'abort')).then((all) =>
              all.map((status, i) => record(plan.name, ['complete', 'abort'][i]!)(status)),
            ),
          ],
        };
        return [...confirms, ...extra[plan.mix]()];
      };

      let settled = false;
      const problems: string[] = [];
      const lister = listUntil(() => settled, problems);
      const outcomes = await Promise.allSettled(plans.flatMap(race));
      settled = true;
      expect(await lister).toBeGreaterThan(0);
      expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
      expect(problems).toEqual([]);

      const tally: Record<string, number> = {};
      for (const s of statuses) {
        const mix = plans.find((plan) => plan.name === s.name)!.mix;
        tally[`${mix}:${s.label}:${s.status}`] = (tally[`${mix}:${s.label}:${s.status}`] ?? 0) + 1;
      }
      process.stdout.write(`[races] seed=${seed} ${JSON.stringify(tally)}\n`);

      // No call answered 5xx; each answered one of the outcomes its race allows.
      const allowed: Record<string, number[]> = {
        confirm: [200, 404, 409, 412],
        delete: [200],
        'upload 1': [200],
        'upload 2': [200],
        // Nothing else touches the upload: its complete succeeds, and a retry answers the
        // same, whether or not a confirm has moved the draft to main in the meantime.
        complete: [200],
        again: [200],
        'same answer': [200],
        abort: [200],
      };
      const unexpected = statuses.filter((s) => !allowed[s.label]!.includes(s.status));
      expect(unexpected).toEqual([]);

      const client = api.services.client;
      const { draft: draftBucket, main: mainBucket } = api.config.buckets;
      for (const plan of plans) {
        const key = `${OWNER}/${plan.name}`;
        const digests = plan.versions.map(sha256);
        const inDraft = await read(client, draftBucket, key);
        const inMain = await read(client, mainBucket, key);
        const where = `${plan.mix} ${plan.name}`;
        // Bytes are always one whole version, never a mix.
        if (inDraft) expect([where, digests.indexOf(sha256(inDraft)) >= 0]).toEqual([where, true]);
        if (inMain) expect([where, digests.indexOf(sha256(inMain)) >= 0]).toEqual([where, true]);
        const mine = statuses.filter((s) => s.name === plan.name);
        const confirmed = mine.some((s) => s.label === 'confirm' && s.status === 200);
        switch (plan.mix) {
          case 'confirms':
            // Every confirm of one draft succeeds; the draft is now main's, once.
            expect([where, mine.map((s) => s.status)]).toEqual([where, mine.map(() => 200)]);
            expect([where, inDraft, sha256(inMain ?? Buffer.alloc(0))]).toEqual([
              where,
              undefined,
              digests[0],
            ]);
            break;
          case 'delete-draft':
            // Deleted deliberately, or confirmed first: never in both, never lost once confirmed.
            expect([where, inDraft]).toEqual([where, undefined]);
            if (confirmed) expect([where, inMain !== undefined]).toEqual([where, true]);
            else expect([where, inMain]).toEqual([where, undefined]);
            break;
          case 'delete-main':
            // The draft (version 1) went to main, before or after the delete removed version 0.
            expect([where, inDraft]).toEqual([where, undefined]);
            if (inMain) expect([where, sha256(inMain)]).toEqual([where, digests[1]]);
            expect([where, confirmed]).toEqual([where, true]);
            break;
          case 'abort':
            // The abort removes the draft the upload became unless a confirm moved it first;
            // main holds a copy exactly when some confirm answered success.
            expect([where, inDraft]).toEqual([where, undefined]);
            expect([where, inMain !== undefined]).toEqual([where, confirmed]);
            break;
          case 're-upload':
          case 'multipart':
            // Some version survives somewhere; a draft left behind is never older than main's
            // copy (the same version in both is RGW's documented CopySourceIfMatch window).
            expect([where, inDraft !== undefined || inMain !== undefined]).toEqual([where, true]);
            if (inDraft && inMain) {
              const order = [inDraft, inMain].map((bytes) => digests.indexOf(sha256(bytes)));
              expect([where, order[0]! >= order[1]!]).toEqual([where, true]);
            }
            break;
        }
      }

      // Whatever a race left in draft is a whole draft: confirming it now moves exactly it.
      for (const plan of plans) {
        const key = `${OWNER}/${plan.name}`;
        const inDraft = await read(client, draftBucket, key);
        if (!inDraft) continue;
        const settledConfirm = await call('/api/v1/confirm-upload', { object_name: plan.name });
        const inMain = await read(client, mainBucket, key);
        expect([plan.name, settledConfirm.status, sha256(inMain ?? Buffer.alloc(0))]).toEqual([
          plan.name,
          200,
          sha256(inDraft),
        ]);
        expect([plan.name, await read(client, draftBucket, key)]).toEqual([plan.name, undefined]);
      }

      // Nothing is half done: every multipart upload was completed, none is left in the store.
      expect(await unfinishedUploads(client, draftBucket)).toEqual([]);
      expect(await unfinishedUploads(client, mainBucket)).toEqual([]);
      const drafts = await listKeys(client, draftBucket);
      const mains = await listKeys(client, mainBucket);
      const stray = [...drafts.keys(), ...mains.keys()].filter(
        (key) =>
          key.startsWith(`${OWNER}/race/${seed}/`) &&
          !plans.some((plan) => key === `${OWNER}/${plan.name}`),
      );
      expect(stray).toEqual([]);
    },
  );
});
