import { jest } from '@jest/globals';
import type { TestRuntime } from '../helpers/local-runtime.js';

// Powertools reads its level when the logger is built: raised before anything that logs is
// imported (as in objects-audit.test.ts); captureOutput keeps the lines out of the output.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
const { startTestRuntime } = await import('../helpers/local-runtime.js');

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

describe('the Companion routes write the audit line of the native route they match', () => {
  let api: TestRuntime;
  beforeAll(async () => {
    api = await startTestRuntime({ COMPANION_ROUTES: 'true' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('audits create, a part URL, a listing, a refused complete and an abort, with no token', async () => {
    let uploadId = '';
    const output = await captureOutput(async () => {
      const base = `${api.apiUrl}/companion/s3/multipart`;
      const created = (await (
        await fetch(base, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ filename: 'a.bin', type: 'application/octet-stream' }),
        })
      ).json()) as { key: string; uploadId: string };
      uploadId = created.uploadId;
      const id = `${encodeURIComponent(created.uploadId)}`;
      const q = `?${new URLSearchParams({ key: created.key })}`;
      await fetch(`${base}/${id}/1${q}`);
      await fetch(`${base}/${id}${q}`);
      await fetch(`${base}/${id}/complete${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts: [{ PartNumber: 1, ETag: '"x"' }] }),
      });
      await fetch(`${base}/${id}${q}`, { method: 'DELETE' });
    });
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((record) => record.audit === true);
    expect(lines.map((line) => [line.action, line.outcome])).toEqual([
      ['multipart-create', 'ok'],
      ['multipart-part-urls', 'ok'],
      ['multipart-list-parts', 'ok'],
      ['multipart-complete', expect.not.stringMatching(/^ok$/)],
      ['multipart-abort', 'ok'],
    ]);
    expect(lines.every((line) => String(line.key).match(/^anonymous\/[0-9a-f-]{36}-a\.bin$/))).toBe(
      true,
    );
    expect(output).not.toContain(uploadId.split('.')[1]);
  });
});
