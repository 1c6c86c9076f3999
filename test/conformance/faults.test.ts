import { randomBytes } from 'node:crypto';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { bearerFor } from '../helpers/local-runtime.js';
import { forEachLimited } from '../helpers/seed-objects.js';
import { sha256 } from '../helpers/uploads.js';
import { useFaultyRgw } from './faulty-rgw.js';
import { describeRgw, listKeys, listUploads } from './stores.js';

jest.setTimeout(600_000);

const MIB = 1024 ** 2;
/** Replay a run with FAULT_SEED=<the seed it printed>. */
const SEED = Number(process.env.FAULT_SEED ?? 20_261_202);
const FAULT_RATE = 0.2;
const HOUR_MS = 3_600_000;

interface Draft {
  readonly name: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly sha256: string;
  readonly body: Buffer;
}

const owners = [
  { owner: 'anonymous', headers: {} },
  // Auth0-style subject: its owner segment is percent-encoded, `auth0%7Cabc`.
  { owner: 'auth0%7Cabc', headers: bearerFor('auth0|abc') },
];

const draft = (index: number, name: string, size: number): Draft => {
  const { owner, headers } = owners[index % owners.length]!;
  const body = randomBytes(size);
  return { name, key: `${owner}/${name}`, headers, body, sha256: sha256(body) };
};

/**
 * R2: the service talks to Ceph RGW through a proxy that fails about 20 % of S3 requests
 * (500, 503 SlowDown, connection reset, or applied with the reply dropped). Confirms are
 * retried by the client as a client would; afterwards no byte may be lost or duplicated.
 */
describeRgw('confirm and cleanup through a fault-injecting proxy', () => {
  const rgw = useFaultyRgw({ seed: SEED, rate: FAULT_RATE });

  it('ends with every draft in exactly one place, intact, and no stale upload after a sweep', async () => {
    // prepare: drafts written past the proxy, with `%`, `+`, spaces and non-ASCII in keys
    const { proxy, api, direct } = rgw;
    const { draft: draftBucket, main: mainBucket } = api.config.buckets;
    const confirmed: Draft[] = [
      ...Array.from({ length: 60 }, (_, index) =>
        draft(index, `faults/${index} 50%41 off+é.bin`, 1024 + index * 97),
      ),
      draft(1, 'big/100%41 sure.bin', 65 * MIB),
    ];
    const abandoned = Array.from({ length: 5 }, (_, index) =>
      draft(index, `faults/abandoned-${index}%25.bin`, 256),
    );
    await forEachLimited([...confirmed, ...abandoned], 8, (entry) =>
      direct.send(new PutObjectCommand({ Bucket: draftBucket, Key: entry.key, Body: entry.body })),
    );
    proxy.enabled = true;

    // act: confirm each draft until it succeeds, as a client would
    const statuses: Record<string, number> = {};
    let attempts = 0;
    await forEachLimited(confirmed, 8, async (entry) => {
      for (let attempt = 1; attempt <= 30; attempt += 1) {
        attempts += 1;
        const answer = await api.post(
          '/api/v1/confirm-upload',
          { object_name: entry.name },
          entry.headers,
        );
        const label = `${answer.status} ${answer.json?.error?.code ?? 'ok'}`;
        statuses[label] = (statuses[label] ?? 0) + 1;
        if (answer.status === 200) {
          expect(answer.json).toMatchObject({ object_name: entry.name, size: entry.body.length });
          return;
        }
      }
      throw new Error(`confirm of ${entry.key} never succeeded`);
    });
    // Multipart uploads whose abort was lost, as confirm leaves them under faults. Made just
    // before the sweep: the buckets' lifecycle rule aborts older ones by itself (one
    // lifecycle "day" is 10 s on the test RGW, see scripts/ceph-rgw.sh).
    proxy.enabled = false;
    for (const bucket of [draftBucket, mainBucket]) {
      for (const key of ['anonymous/lost-abort-1.bin', 'anonymous/lost-abort-2.bin']) {
        await direct.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
      }
    }
    proxy.enabled = true;
    rgw.advanceClock(2 * HOUR_MS);
    const summary = await api.services.cleaner.sweep();
    proxy.enabled = false;

    // report
    const { injected, summary: faults } = rgw.faults();
    process.stdout.write(
      `[faults] seed=${SEED} rate=${FAULT_RATE} ${faults}; confirms=${confirmed.length} attempts=${attempts} ` +
        `answers=${JSON.stringify(statuses)}; sweep=${JSON.stringify(summary)}\n`,
    );

    // assess: only retryable answers on the way
    for (const label of Object.keys(statuses)) {
      expect(['200 ok', '503 storage_unavailable']).toContain(label);
    }
    expect(injected).toBeGreaterThan(0);
    // every confirmed draft is in main only, byte for byte; nothing else is in main
    const mainKeys = await listKeys(direct, mainBucket);
    expect([...mainKeys.keys()].sort()).toEqual(confirmed.map((entry) => entry.key).sort());
    await forEachLimited(confirmed, 4, async (entry) => {
      const object = await direct.send(
        new GetObjectCommand({ Bucket: mainBucket, Key: entry.key }),
      );
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      expect({ key: entry.key, sha256: sha256(bytes) }).toEqual({
        key: entry.key,
        sha256: entry.sha256,
      });
    });
    // the draft bucket holds nothing: confirmed drafts moved, abandoned ones swept
    expect([...(await listKeys(direct, draftBucket)).keys()]).toEqual([]);
    expect(summary).toMatchObject({ failed: 0, uploadListingFailures: 0, complete: true });
    expect(summary.deleted).toBeGreaterThanOrEqual(abandoned.length);
    expect(summary.abortedUploads).toBeGreaterThanOrEqual(4);
    expect(await listUploads(direct, draftBucket)).toEqual([]);
    expect(await listUploads(direct, mainBucket)).toEqual([]);
  });
});
