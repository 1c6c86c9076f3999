import { jest } from '@jest/globals';
import fc from 'fast-check';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { sha256 } from '../helpers/uploads.js';
import { fuzzSettings, objectName } from '../fuzz/arbitraries.js';
import { describeRgw, putWith, rawRequest, startStoreRuntime } from './stores.js';

jest.setTimeout(180_000);

const { seed } = fuzzSettings(10_000);

describeRgw(`fuzzed names the API accepts go all the way through (seed ${seed})`, () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startStoreRuntime('rgw');
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('uploads, downloads and confirms a sample of accepted names, bytes intact, and refuses the rest with invalid_object_name', async () => {
    const names = fc.sample(objectName, { seed, numRuns: 400 });
    const accepted: string[] = [];
    for (const name of names) {
      const ticket = await api.post('/api/v1/upload-url', { object_name: name, content_length: 1 });
      if (ticket.status === 200) {
        accepted.push(name);
      } else {
        // A refused name is refused as a name (or, past 1024 characters, by the request schema).
        expect({ name, status: ticket.status }).toEqual({ name, status: 400 });
        expect(['invalid_object_name', 'invalid_request']).toContain(ticket.json.error.code);
        expect(ticket.json.error.message).toMatch(/object_name/);
      }
    }
    expect(accepted.length).toBeGreaterThan(20);
    for (const name of accepted.slice(0, 30)) {
      const body = Buffer.from(`fuzzed on RGW: ${name}`);
      const ticket = await api.post('/api/v1/upload-url', {
        object_name: name,
        content_length: body.length,
      });
      expect((await putWith(ticket.json.upload_url, ticket.json.headers, body)).status).toBe(200);
      const draft = await api.post('/api/v1/download-url', { object_name: name });
      expect({ name, status: draft.status }).toEqual({ name, status: 200 });
      expect(sha256((await rawRequest(draft.json.download_url, { method: 'GET' })).body)).toBe(
        sha256(body),
      );
      const confirmed = await api.post('/api/v1/confirm-upload', { object_name: name });
      expect({ name, status: confirmed.status }).toEqual({ name, status: 200 });
      const main = await api.post('/api/v1/download-url', { object_name: name, stage: 'main' });
      const served = await rawRequest(main.json.download_url, { method: 'GET' });
      expect({ name, sha: sha256(served.body) }).toEqual({ name, sha: sha256(body) });
    }
  });
});
