import { abortedError, DraftStoreError } from './errors.js';

/**
 * One fetch and its whole answer as text. Failing to connect, or an answer cut off
 * mid-body (a reset connection), is no answer to judge: `network_error` with status 0,
 * which is retried; once `signal` is aborted it is `aborted`. `label` starts the message.
 */
export const fetchText = async (
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  label: string,
): Promise<{ response: Response; text: string }> => {
  const failure = (error: unknown, what: string): DraftStoreError =>
    init.signal?.aborted
      ? abortedError()
      : new DraftStoreError(0, 'network_error', `${what}: ${String(error)}`, { cause: error });
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    throw failure(error, label);
  }
  try {
    return { response, text: await response.text() };
  } catch (error) {
    throw failure(error, `${label}: answer cut off`);
  }
};
