import { jest } from '@jest/globals';
import type { TestRuntime } from '../helpers/local-runtime.js';
import {
  describeRgw,
  postForm,
  putWith,
  sharedRgw,
  startRgwRuntime,
  type RawResponse,
} from './stores.js';

// Custom metadata is signed: Ceph RGW itself refuses an upload that drops or changes it
// (status and S3 error code), and nothing is stored. s3rver checks no signatures, so
// this never runs against the embedded store.

jest.setTimeout(60_000);

const refusal = (response: RawResponse) => ({ status: response.status, code: response.code });
const without = (fields: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(fields).filter(([key]) => key !== name));
const metadata = { 'case-id': 'C-1042', reviewer: 'dana' };

describeRgw('custom metadata is bound by the signature', () => {
  let api: TestRuntime;

  beforeAll(async () => {
    api = await startRgwRuntime(sharedRgw()!);
  });
  afterAll(async () => {
    await api?.stop();
  });

  const expectNoDraft = async (name: string) => {
    const info = await api.post('/api/v1/object-info', { object_name: name, stage: 'draft' });
    expect([info.status, info.json.error.code]).toEqual([404, 'not_found']);
  };

  describe('presigned PUT', () => {
    const ticket = async (name: string) => {
      const response = await api.post('/api/v1/upload-url', {
        object_name: name,
        content_type: 'text/plain',
        metadata,
      });
      expect(response.status).toBe(200);
      expect(response.json.headers).toMatchObject({
        'x-amz-meta-case-id': 'C-1042',
        'x-amz-meta-reviewer': 'dana',
      });
      // Signed as headers, not hoisted into the query string where no client must send them.
      const url = new URL(response.json.upload_url);
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('x-amz-meta-case-id');
      expect([...url.searchParams.keys()].some((key) => /x-amz-meta/i.test(key))).toBe(false);
      return response.json as { upload_url: string; headers: Record<string, string> };
    };

    it('stores the metadata sent exactly as signed (the control case)', async () => {
      const signed = await ticket('put-ok.txt');
      expect((await putWith(signed.upload_url, signed.headers, 'hello')).status).toBe(200);
      const info = await api.post('/api/v1/object-info', {
        object_name: 'put-ok.txt',
        stage: 'draft',
      });
      expect(info.json.metadata).toEqual(metadata);
    });

    it('refuses an upload that drops a signed metadata header', async () => {
      const signed = await ticket('put-dropped.txt');
      const rest = without(signed.headers, 'x-amz-meta-reviewer');
      const response = await putWith(signed.upload_url, rest, 'hello');
      expect(refusal(response)).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
      await expectNoDraft('put-dropped.txt');
    });

    it('refuses an upload that changes a signed metadata value', async () => {
      const signed = await ticket('put-changed.txt');
      const response = await putWith(
        signed.upload_url,
        { ...signed.headers, 'x-amz-meta-reviewer': 'mallory' },
        'hello',
      );
      expect(refusal(response)).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
      await expectNoDraft('put-changed.txt');
    });

    it('refuses a signed metadata header sent twice, the second time in other case', async () => {
      const signed = await ticket('put-twice.txt');
      const response = await putWith(
        signed.upload_url,
        { ...signed.headers, 'X-Amz-Meta-Reviewer': 'mallory' },
        'hello',
      );
      expect(refusal(response)).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
      await expectNoDraft('put-twice.txt');
    });

    // A known gap, pinned so that it is seen if RGW changes: AWS refuses a presigned
    // request carrying an x-amz-* header it does not sign (403 AccessDenied,
    // HeadersNotSigned); RGW 16.2 stores it, so on RGW object-info shows metadata the
    // service never signed, past DraftStore's key, value and size checks.
    it('is NOT protected against an extra unsigned x-amz-meta header on RGW 16.2 (AWS refuses it)', async () => {
      const signed = await ticket('put-extra.txt');
      const response = await putWith(
        signed.upload_url,
        { ...signed.headers, 'x-amz-meta-unsigned': 'v'.repeat(4096) },
        'hello',
      );
      expect(response.status).toBe(200);
      const info = await api.post('/api/v1/object-info', {
        object_name: 'put-extra.txt',
        stage: 'draft',
      });
      expect(info.json.metadata).toEqual({ ...metadata, unsigned: 'v'.repeat(4096) });
    });
  });

  describe('presigned POST form', () => {
    const form = async (name: string) => {
      const response = await api.post('/api/v1/upload-form', {
        object_name: name,
        content_type: 'text/plain',
        metadata,
      });
      expect(response.status).toBe(200);
      return response.json as { url: string; fields: Record<string, string> };
    };

    it('stores the metadata sent exactly as signed (the control case)', async () => {
      const signed = await form('form-ok.txt');
      expect((await postForm(signed.url, signed.fields, 'hello')).status).toBe(204);
      const info = await api.post('/api/v1/object-info', {
        object_name: 'form-ok.txt',
        stage: 'draft',
      });
      expect(info.json.metadata).toEqual(metadata);
    });

    it('refuses a form that drops a metadata field', async () => {
      const signed = await form('form-dropped.txt');
      const rest = without(signed.fields, 'x-amz-meta-reviewer');
      const response = await postForm(signed.url, rest, 'hello');
      expect(refusal(response)).toEqual({ status: 403, code: 'AccessDenied' });
      await expectNoDraft('form-dropped.txt');
    });

    it('refuses a form that changes a metadata value', async () => {
      const signed = await form('form-changed.txt');
      const response = await postForm(
        signed.url,
        { ...signed.fields, 'x-amz-meta-reviewer': 'mallory' },
        'hello',
      );
      expect(refusal(response)).toEqual({ status: 403, code: 'AccessDenied' });
      await expectNoDraft('form-changed.txt');
    });

    it('refuses a form that adds metadata the policy does not name', async () => {
      const signed = await form('form-added.txt');
      const response = await postForm(
        signed.url,
        { ...signed.fields, 'x-amz-meta-extra': 'sneaky' },
        'hello',
      );
      expect(refusal(response)).toEqual({ status: 403, code: 'AccessDenied' });
      await expectNoDraft('form-added.txt');
    });
  });
});
