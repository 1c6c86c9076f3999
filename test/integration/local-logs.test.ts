import { connect } from 'node:net';
import { connect as http2Connect, constants as http2Constants } from 'node:http2';
import { jest } from '@jest/globals';
import type { TestRuntime } from '../helpers/local-runtime.js';

// Powertools reads its level when the logger is built and goes back to it on every
// invocation, so this file raises it before importing anything that logs, and keeps
// what it writes out of the test output.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
const { startTestRuntime } = await import('../helpers/local-runtime.js');
const { CLEANUP_FUNCTION_NAME, startCleanupTimer } = await import('../../local/cleanup-timer.js');

const written: string[] = [];

/** Runs `work` and answers the JSON log lines written meanwhile. */
const logLinesOf = async (work: () => Promise<unknown>) => {
  const from = written.length;
  await work();
  return written
    .slice(from)
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => ({ raw: line, json: JSON.parse(line) as Record<string, any> }));
};

describe('the local runtime logs each request as the Lambda function that served it', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    // Powertools writes errors to stderr, everything else to stdout.
    for (const stream of [process.stdout, process.stderr]) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        written.push(String(chunk));
        return true;
      });
    }
    api = await startTestRuntime();
  });
  afterAll(async () => {
    await api.stop();
    jest.restoreAllMocks();
  });

  it('gives concurrent requests one function_request_id each', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `missing-${index}.txt`);

    const lines = await logLinesOf(() =>
      Promise.all(names.map((name) => api.post('/api/v1/confirm-upload', { object_name: name }))),
    );

    const failures = lines.filter((line) => line.json.message === 'request failed');
    expect(failures.map(({ json }) => json.detail).sort()).toEqual(
      names.map((name) => `No draft named "${name}".`).sort(),
    );
    expect(new Set(failures.map(({ json }) => json.function_request_id)).size).toBe(20);
    expect(new Set(failures.map(({ json }) => json.function_name))).toEqual(
      new Set(['draftstore-confirm-upload']),
    );
  });

  it('logs a 4xx at INFO with its code and message only, without a stack trace', async () => {
    const lines = await logLinesOf(async () => {
      await api.post('/api/v1/confirm-upload', { object_name: 'never.txt' });
      await api.post('/api/v1/upload-url', { object_name: 'a.txt', stage: 'draft' });
      await fetch(`${api.apiUrl}/draft.v1.DraftService/ConfirmUpload`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ object_name: 'never.txt' }),
      });
    });

    const logged = lines
      // Audit lines are a record of their own (test/integration/objects-audit.test.ts).
      .filter(({ json }) => json.level !== 'DEBUG' && json.message !== 'audit')
      .map(({ json }) => ({
        level: json.level,
        message: json.message,
        function_name: json.function_name,
        code: json.code,
        detail: json.detail,
      }));
    expect(logged).toEqual([
      {
        level: 'INFO',
        message: 'request failed',
        function_name: 'draftstore-confirm-upload',
        code: 'not_found',
        detail: 'No draft named "never.txt".',
      },
      {
        level: 'INFO',
        message: 'request rejected',
        function_name: 'draftstore-upload-url',
        code: 'invalid_request',
        detail: 'unknown field "stage"',
      },
      {
        level: 'INFO',
        message: 'rpc failed',
        function_name: 'draftstore-connect',
        code: 'not_found',
        detail: 'No draft named "never.txt".',
      },
    ]);
    for (const { raw } of lines) {
      expect(raw).not.toMatch(/stack|"error":/);
    }
  });

  it('logs a request the client abandons mid-body at INFO, not as a server failure', async () => {
    const { port } = new URL(api.apiUrl);

    const lines = await logLinesOf(async () => {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            'POST /api/v1/upload-url HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"object_name":',
          );
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on('close', () => resolve());
      });
      // The server sees the reset a moment later.
      await new Promise((resolve) => setTimeout(resolve, 200));
    });

    const logged = lines.map(({ json }) => ({ level: json.level, message: json.message }));
    expect(logged).toEqual([{ level: 'INFO', message: 'request abandoned by the client' }]);
  });

  it.each([
    ['Connect JSON', 'application/json'],
    ['gRPC-web', 'application/grpc-web+proto'],
  ])(
    'logs a %s call the client abandons mid-body at INFO, not as a handler failure on stderr',
    async (_protocol, contentType) => {
      const { port } = new URL(api.apiUrl);
      const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);

      const lines = await logLinesOf(async () => {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(port), '127.0.0.1', () => {
            socket.write(
              `POST /draft.v1.DraftService/GetUploadURL HTTP/1.1\r\nhost: localhost\r\ncontent-type: ${contentType}\r\ncontent-length: 100\r\n\r\n{"objectName":`,
            );
            setTimeout(() => socket.destroy(), 50);
          });
          socket.on('close', () => resolve());
        });
        // The server sees the reset a moment later.
        await new Promise((resolve) => setTimeout(resolve, 200));
      });
      const printed = consoleError.mock.calls.map((args) => args.map(String).join(' '));
      consoleError.mockRestore();

      expect(printed).toEqual([]);
      const logged = lines.map(({ json }) => ({
        level: json.level,
        message: json.message,
        function_name: json.function_name,
        path: json.path,
      }));
      expect(logged).toEqual([
        {
          level: 'INFO',
          message: 'request abandoned by the client',
          function_name: 'draftstore-connect',
          path: '/draft.v1.DraftService/GetUploadURL',
        },
      ]);
    },
  );

  it('logs a gRPC call the client cancels mid-body on GRPC_PORT at INFO, and prints nothing', async () => {
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    const lines = await logLinesOf(async () => {
      const session = http2Connect(api.grpcUrl);
      await new Promise<void>((resolve) => {
        const request = session.request({
          ':method': 'POST',
          ':path': '/draft.v1.DraftService/GetUploadURL',
          'content-type': 'application/grpc',
          te: 'trailers',
        });
        // A frame header announcing 100 bytes, and 3 of them.
        request.write(Buffer.from([0, 0, 0, 0, 100, 0x0a, 0x01, 0x61]));
        setTimeout(() => request.close(http2Constants.NGHTTP2_CANCEL), 50);
        request.on('close', () => resolve());
        request.on('error', () => undefined);
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      session.close();
    });
    const printed = consoleError.mock.calls.map((args) => args.map(String).join(' '));
    consoleError.mockRestore();

    expect(printed).toEqual([]);
    expect(lines.map(({ json }) => ({ level: json.level, message: json.message }))).toEqual([
      { level: 'INFO', message: 'request abandoned by the client' },
    ]);
  });

  it('logs a cleanup sweep as the cleanup function, not as the last request', async () => {
    await api.post('/api/v1/download-url', { object_name: 'whatever.txt' });
    const timer = startCleanupTimer({ cleaner: api.services.cleaner, intervalMs: 3_600_000 });

    const lines = await logLinesOf(() => timer.runNow());
    await timer.stop();

    const finished = lines.find((line) => line.json.message === 'Cleanup sweep finished');
    expect(CLEANUP_FUNCTION_NAME).toBe('draftstore-cleanup');
    expect(finished?.json).toMatchObject({
      level: 'DEBUG',
      function_name: 'draftstore-cleanup',
      function_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });
});
