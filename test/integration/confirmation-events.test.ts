import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { putPresigned } from '../helpers/uploads.js';

// The event's log line is INFO: raise the level before the logger is built (the test setup
// keeps every other file quiet), as Powertools goes back to it on every invocation.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
const { bearerFor, startTestRuntime } = await import('../helpers/local-runtime.js');

jest.setTimeout(60_000);

/** A real HTTP receiver: records every delivery and answers what `next` says (default 200). */
const startReceiver = async () => {
  const deliveries: { status: number; body: any }[] = [];
  const script: number[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = script.shift() ?? 200;
      deliveries.push({ status, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/draftstore`,
    deliveries,
    /** The statuses of the next deliveries, in order. */
    answer: (...statuses: number[]) => script.push(...statuses),
    accepted: () => deliveries.filter((delivery) => delivery.status === 200),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

describe('draftstore.object.confirmed on the local runtime (EVENT_WEBHOOK_URL)', () => {
  let api: TestRuntime;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startTestRuntime(
      {},
      {
        eventWebhookUrl: receiver.url,
        eventWebhookRetry: { attempts: 3, firstDelayMs: 20 },
      },
    );
  });
  afterAll(async () => {
    await api?.stop();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.deliveries.length = 0;
  });

  const upload = async (name: string, text: string, headers: Record<string, string> = {}) => {
    const bytes = new Uint8Array(Buffer.from(text));
    const ticket = await api.post(
      '/api/v1/upload-url',
      { object_name: name, content_type: 'text/plain', content_length: bytes.length },
      headers,
    );
    expect(ticket.status).toBe(200);
    expect((await putPresigned(ticket.json.upload_url, bytes, ticket.json.headers)).status).toBe(
      200,
    );
  };

  it('delivers exactly one event per confirm, also when the confirm is retried', async () => {
    await upload('events/one.txt', 'first event', bearerFor('alice'));
    // The receiver fails the first delivery: the publisher retries it.
    receiver.answer(503);
    const first = await api.post(
      '/api/v1/confirm-upload',
      { object_name: 'events/one.txt' },
      bearerFor('alice'),
    );
    expect(first.status).toBe(200);
    const retried = await api.post(
      '/api/v1/confirm-upload',
      { object_name: 'events/one.txt' },
      bearerFor('alice'),
    );
    expect(retried.json).toEqual(first.json);
    const compat = await api.post(
      '/api/v1/draft/confirm',
      { object_name: 'events/one.txt' },
      bearerFor('alice'),
    );
    expect(compat.status).toBe(200);

    expect(receiver.deliveries.map((delivery) => delivery.status)).toEqual([503, 200]);
    const [event] = receiver.accepted();
    expect(event?.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      'detail-type': 'draftstore.object.confirmed',
      source: 'draftstore',
      time: expect.any(String),
      detail: {
        owner: 'alice',
        object_name: 'events/one.txt',
        key: 'alice/events/one.txt',
        bucket: api.config.buckets.main,
        size: 'first event'.length,
        content_type: 'text/plain',
        etag: first.json.etag,
      },
    });
    // Retrying the same delivery carries the same id, so a receiver can deduplicate.
    expect(receiver.deliveries[0]?.body.id).toBe(event?.body.id);
  });

  it('keeps the draft when the event cannot be delivered, and the retried confirm delivers it once', async () => {
    await upload('events/two.txt', 'second event');
    receiver.answer(500, 500, 500);
    const failed = await api.post('/api/v1/confirm-upload', { object_name: 'events/two.txt' });
    expect([failed.status, failed.json.error.code]).toEqual([503, 'storage_unavailable']);
    expect(failed.json.error.message).not.toContain(receiver.url);
    const draft = await api.post('/api/v1/download-url', { object_name: 'events/two.txt' });
    expect(draft.status).toBe(200);

    const retried = await api.post('/api/v1/confirm-upload', { object_name: 'events/two.txt' });
    expect(retried.status).toBe(200);
    expect(
      (await api.post('/api/v1/confirm-upload', { object_name: 'events/two.txt' })).status,
    ).toBe(200);

    expect(receiver.deliveries.map((delivery) => delivery.status)).toEqual([500, 500, 500, 200]);
    expect(receiver.accepted().map((delivery) => delivery.body.detail.key)).toEqual([
      'anonymous/events/two.txt',
    ]);
    const gone = await api.post('/api/v1/download-url', { object_name: 'events/two.txt' });
    expect([gone.status, gone.json.error.code]).toEqual([404, 'not_found']);
  });

  it('also writes each event as one structured log line', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await upload('events/three.txt', 'third event');
      expect(
        (await api.post('/api/v1/confirm-upload', { object_name: 'events/three.txt' })).status,
      ).toBe(200);
    } finally {
      spy.mockRestore();
    }
    const events = lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"draftstore.object.confirmed"'))
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      level: 'INFO',
      message: 'draftstore.object.confirmed',
      event: {
        owner: 'anonymous',
        object_name: 'events/three.txt',
        key: 'anonymous/events/three.txt',
      },
    });
  });
});
