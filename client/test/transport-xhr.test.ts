import { xhrTransport } from '../src/transport-xhr.js';

/**
 * A fake XMLHttpRequest that behaves as browsers do where it matters here: abort() before
 * send() fires no abort event, and send() after it throws InvalidStateError.
 */
class FakeXhr {
  static sent = 0;
  private state: 'opened' | 'unsent' | 'sent' = 'unsent';
  status = 0;
  responseText = '';
  upload = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  open(): void {
    this.state = 'opened';
  }
  setRequestHeader(): void {}
  getResponseHeader(): string | null {
    return null;
  }
  send(): void {
    if (this.state !== 'opened') throw new Error('InvalidStateError');
    this.state = 'sent';
    FakeXhr.sent++;
  }
  abort(): void {
    if (this.state === 'sent') this.onabort?.();
    this.state = 'unsent';
  }
}

describe('the XMLHttpRequest PUT transport', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => {
    (globalThis as Record<string, unknown>).XMLHttpRequest = FakeXhr;
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    delete (globalThis as Record<string, unknown>).XMLHttpRequest;
    process.off('unhandledRejection', onUnhandled);
  });

  it('settles as aborted when the signal fires while the body is still being read', async () => {
    const controller = new AbortController();
    const put = xhrTransport({
      url: 'http://store.test/part',
      headers: {},
      body: { kind: 'bytes', bytes: new Uint8Array(4) },
      onProgress: () => undefined,
      signal: controller.signal,
    });
    controller.abort();
    const outcome = await Promise.race([
      put.then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(() => resolve('hung'), 500)),
    ]);
    expect(outcome).toMatchObject({ name: 'DraftStoreError', code: 'aborted' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(unhandled).toEqual([]);
    expect(FakeXhr.sent).toBe(0);
  });
});
