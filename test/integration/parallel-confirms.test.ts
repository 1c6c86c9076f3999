import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { jest } from '@jest/globals';
import { bearerFor, startTestRuntime, type TestRuntime } from '../helpers/local-runtime.js';
import { seeded, seededBytes } from '../helpers/seeded.js';
import { putPresigned, sha256 } from '../helpers/uploads.js';

/**
 * How many trials to run: CONFIRM_TRIALS, 1,000 for the bar (issue 18), a few
 * hundred by default so CI stays near a minute.
 */
const TRIALS = Number(process.env.CONFIRM_TRIALS ?? 100);
const SEED = Number(process.env.CONFIRM_SEED ?? 0x8c0f);
const CONFIRMS = 8;
const SIZE = 4096;

jest.setTimeout(60_000 + TRIALS * 2_000);

const read = async (client: S3Client, bucket: string, key: string) => {
  try {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  } catch (error) {
    if (error instanceof NoSuchKey) return undefined;
    throw error;
  }
};

/**
 * A client retrying a confirm on a timeout, or a browser submitting twice, sends several
 * confirms of one draft at once. On the embedded store (`npm start`) every one of them must
 * succeed, and the object must end in main with its bytes, read from the store directly.
 */
describe('8 parallel confirms of one draft on the embedded store', () => {
  let api: TestRuntime;
  const headers = bearerFor('parallel');

  beforeAll(async () => {
    api = await startTestRuntime({ CLEANUP_INTERVAL: '0' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it(`loses nothing in ${TRIALS} seeded trials (seed ${SEED})`, async () => {
    // Prepare
    const random = seeded(SEED);
    const { draft, main } = api.config.buckets;
    const problems: string[] = [];

    for (let trial = 0; trial < TRIALS; trial += 1) {
      const name = `parallel/${SEED}/${trial}.bin`;
      const key = `parallel/${name}`;
      const body = seededBytes(random, SIZE);
      const ticket = await api.post(
        '/api/v1/upload-url',
        { object_name: name, content_type: 'application/octet-stream', content_length: SIZE },
        headers,
      );
      expect((await putPresigned(ticket.json.upload_url, body, ticket.json.headers)).status).toBe(
        200,
      );
      // Act: the confirms start a seeded few milliseconds apart, so they meet at every step.
      const pauses = Array.from({ length: CONFIRMS }, () => Math.floor(random() * 8));
      const answers = await Promise.all(
        pauses.map((pause) =>
          new Promise((wake) => setTimeout(wake, pause)).then(() =>
            api.post('/api/v1/confirm-upload', { object_name: name }, headers),
          ),
        ),
      );
      // Assess
      const statuses = answers.map((answer) => answer.status);
      const etags = new Set(answers.map((answer) => answer.json?.etag));
      const inMain = await read(api.services.client, main, key);
      const inDraft = await read(api.services.client, draft, key);
      if (
        statuses.some((status) => status !== 200) ||
        etags.size !== 1 ||
        inDraft !== undefined ||
        inMain === undefined ||
        sha256(inMain) !== sha256(body)
      ) {
        problems.push(
          `trial ${trial}: confirms ${statuses.join(',')}, etags ${[...etags].join(',')}, main ${inMain?.length ?? 'missing'}, draft ${inDraft?.length ?? 'gone'}`,
        );
      }
    }
    process.stdout.write(
      `[parallel-confirms] seed=${SEED} trials=${TRIALS} lost or wrong=${problems.length}\n`,
    );
    expect(problems).toEqual([]);
  });
});
