import { jest } from '@jest/globals';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { DraftService, Stage } from '../../lambdas/gen/draft/v1/draft_pb.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { putPresigned } from '../helpers/uploads.js';

// Powertools reads its level when the logger is built and goes back to it on every
// invocation, so this file raises it before importing anything that logs (the test
// setup keeps every other file quiet); captureOutput keeps the lines out of the output.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
const { bearerFor, startTestRuntime } = await import('../helpers/local-runtime.js');

/**
 * Everything the process writes to stdout and stderr while `work` runs: the Powertools
 * logger writes its JSON lines there, in Lambda as locally.
 */
const captureOutput = async (work: () => Promise<void>): Promise<string> => {
  const chunks: string[] = [];
  const capture =
    () =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
      const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture());
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture());
  try {
    await work();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return chunks.join('');
};

const auditLines = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => record.audit === true);

describe('object routes, custom metadata and the audit trail (REST and RPC, local runtime)', () => {
  let api: TestRuntime;
  const alice = bearerFor('alice');

  beforeAll(async () => {
    api = await startTestRuntime({ CLEANUP_INTERVAL: '0' });
  });
  afterAll(async () => {
    await api.stop();
  });

  const rpc = (headers: Record<string, string> = {}) =>
    createClient(
      DraftService,
      createConnectTransport({
        baseUrl: api.apiUrl,
        httpVersion: '1.1',
        interceptors: [
          (next) => async (request) => {
            for (const [name, value] of Object.entries(headers)) request.header.set(name, value);
            return next(request);
          },
        ],
      }),
    );

  it('writes one audit line per action, and never a URL or a signature in any log line', async () => {
    const urls: string[] = [];
    const output = await captureOutput(async () => {
      const upload = await api.post(
        '/api/v1/upload-url',
        { object_name: 'audit/a.txt', content_type: 'text/plain', metadata: { tag: 'x' } },
        { ...alice, 'user-agent': 'audit-test/1.0' },
      );
      urls.push(upload.json.upload_url);
      expect(
        (await putPresigned(upload.json.upload_url, Buffer.from('abc'), upload.json.headers))
          .status,
      ).toBe(200);
      const form = await api.post('/api/v1/upload-form', { object_name: 'audit/f.txt' }, alice);
      urls.push(form.json.fields['X-Amz-Signature'], form.json.fields.Policy);
      const download = await api.post(
        '/api/v1/download-url',
        { object_name: 'audit/a.txt' },
        alice,
      );
      urls.push(download.json.download_url);
      await api.post('/api/v1/confirm-upload', { object_name: 'audit/a.txt' }, alice);
      await api.post('/api/v1/object-info', { object_name: 'audit/a.txt' }, alice);
      await api.post('/api/v1/list-objects', { prefix: 'audit/' }, alice);
      await api.post('/api/v1/delete-object', { object_name: 'audit/a.txt', stage: 'main' }, alice);
      await api.post('/api/v1/object-info', { object_name: 'audit/a.txt' }, alice);
      await api.post('/api/v1/upload-url', { object_name: 'a//b' }, alice);
      const viaRpc = await rpc(alice).getUploadURL({ objectName: 'audit/r.txt' });
      urls.push(viaRpc.url);
      await rpc(alice).deleteObject({ objectName: 'audit/r.txt', stage: Stage.DRAFT });
    });

    const lines = auditLines(output);
    expect(lines.map((line) => [line.action, line.outcome])).toEqual([
      ['upload-url', 'ok'],
      ['upload-form', 'ok'],
      ['download-url', 'ok'],
      ['confirm', 'ok'],
      ['object-info', 'ok'],
      ['list', 'ok'],
      ['delete', 'ok'],
      ['object-info', 'not_found'],
      ['upload-url', 'invalid_object_name'],
      ['upload-url', 'ok'],
      ['delete', 'ok'],
    ]);
    expect(lines[0]).toMatchObject({
      audit: true,
      action: 'upload-url',
      owner: 'alice',
      key: 'alice/audit/a.txt',
      stage: 'draft',
      outcome: 'ok',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sourceIp: expect.stringMatching(/127\.0\.0\.1/),
      userAgent: 'audit-test/1.0',
    });
    expect(lines[5]).toMatchObject({ action: 'list', key: 'alice/audit/', stage: 'main' });
    expect(lines[6]).toMatchObject({ action: 'delete', key: 'alice/audit/a.txt', stage: 'main' });
    expect(lines[10]).toMatchObject({
      action: 'delete',
      owner: 'alice',
      key: 'alice/audit/r.txt',
      stage: 'draft',
      requestId: expect.any(String),
      sourceIp: expect.any(String),
    });
    expect(new Set(lines.map((line) => line.requestId)).size).toBe(lines.length);

    // No presigned URL, signature or credential in anything logged.
    expect(urls.filter(Boolean)).toHaveLength(5);
    for (const url of urls) expect(output).not.toContain(url);
    expect(output).not.toMatch(/X-Amz-Signature|X-Amz-Credential|x-amz-signature/);
  });

  it('refuses bad metadata before signing, naming the field (REST)', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ Upper: 'x' }, /^metadata\.Upper: keys must be 1 to 64 lowercase/],
      [{ ['k'.repeat(65)]: 'x' }, /^metadata\.k{64}…: keys must be 1 to 64/],
      [{ note: 'café' }, /^metadata\.note: must be printable ASCII/],
      [{ note: 7 }, /^metadata\.note: must be a string/],
      [{ note: ' padded' }, /^metadata\.note: values must not start or end with a space/],
      [{ 'draftstore-confirmed-from': 'x' }, /^metadata\.draftstore-confirmed-from: .*reserved/],
      [{ big: 'v'.repeat(1985) }, /^metadata: keys and values must be at most 1984 bytes/],
    ];
    for (const [metadata, message] of cases) {
      for (const route of ['/api/v1/upload-url', '/api/v1/upload-form']) {
        const response = await api.post(route, { object_name: 'bad-meta.txt', metadata }, alice);
        expect(response.status).toBe(400);
        expect(response.json.error.code).toBe('invalid_request');
        expect(response.json.error.message).toMatch(message);
      }
    }
    const fits = await api.post(
      '/api/v1/upload-url',
      { object_name: 'fits.txt', metadata: { big: 'v'.repeat(1981) } },
      alice,
    );
    expect(fits.status).toBe(200);
  });

  it('serves object info, listing and deletion over draft.v1, with metadata', async () => {
    const client = rpc(alice);
    const ticket = await client.getUploadURL({
      objectName: 'rpc/one.txt',
      contentType: 'text/plain',
      metadata: { album: 'rpc' },
    });
    expect(ticket.headers['x-amz-meta-album']).toBe('rpc');
    expect((await putPresigned(ticket.url, Buffer.from('rpc!'), ticket.headers)).status).toBe(200);
    await client.confirmUpload({ objectName: 'rpc/one.txt' });

    const info = await client.getObjectInfo({ objectName: 'rpc/one.txt' });
    expect(info).toMatchObject({
      objectName: 'rpc/one.txt',
      stage: Stage.MAIN,
      size: 4n,
      contentType: 'text/plain',
      metadata: { album: 'rpc' },
    });

    const page = await client.listObjects({ prefix: 'rpc/', delimiter: '/', limit: 10 });
    expect(page.objects.map((object) => [object.objectName, object.size])).toEqual([
      ['rpc/one.txt', 4n],
    ]);
    expect(page.nextCursor).toBe('');

    const bob = rpc(bearerFor('bob'));
    const hidden = await bob.getObjectInfo({ objectName: 'rpc/one.txt' }).catch((e) => e);
    expect(ConnectError.from(hidden).code).toBe(Code.NotFound);
    expect((await bob.listObjects({ prefix: 'rpc/' })).objects).toEqual([]);

    const noStage = await client.deleteObject({ objectName: 'rpc/one.txt' }).catch((e) => e);
    expect(ConnectError.from(noStage).code).toBe(Code.InvalidArgument);
    expect(ConnectError.from(noStage).rawMessage).toMatch(/^stage: /);
    const forged = await client
      .listObjects({
        prefix: 'rpc/',
        cursor: Buffer.from(JSON.stringify({ v: 1, a: 'bob/rpc/x' })).toString('base64url'),
      })
      .catch((e) => e);
    expect(ConnectError.from(forged).code).toBe(Code.InvalidArgument);
    expect(ConnectError.from(forged).rawMessage).toMatch(/^cursor: /);
    const tooMany = await client.listObjects({ limit: 1001 }).catch((e) => e);
    expect(ConnectError.from(tooMany).code).toBe(Code.InvalidArgument);
    expect(ConnectError.from(tooMany).rawMessage).toMatch(/^limit: /);

    expect(
      (await client.deleteObject({ objectName: 'rpc/one.txt', stage: Stage.MAIN })).deleted,
    ).toBe(true);
    expect(
      (await client.deleteObject({ objectName: 'rpc/one.txt', stage: Stage.MAIN })).deleted,
    ).toBe(true);
    const gone = await client.getObjectInfo({ objectName: 'rpc/one.txt' }).catch((e) => e);
    expect(ConnectError.from(gone).code).toBe(Code.NotFound);
  });
});
