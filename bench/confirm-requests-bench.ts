import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '../lambdas/compose.js';
import { loadConfig } from '../lambdas/config.js';
import { confirmChecks } from '../lambdas/inspection/confirm-checks.js';
import { createS3Client } from '../lambdas/storage/s3-client.js';
import { startEmbeddedS3 } from '../local/embedded-s3.js';
import { startCountingProxy } from '../test/helpers/counting-proxy.js';

/**
 * P4: the S3 requests of a first confirm of a small draft, on the code path the deployed
 * functions take (STORAGE_TYPE=s3: the store honours If-Match on DELETE, so no probe and
 * no extra HEAD), counted by a proxy in front of the embedded store. A retried confirm
 * (the draft already moved) is counted too, for reference.
 */
export interface ConfirmRequestsReport {
  readonly first: readonly string[];
  readonly retried: readonly string[];
  /** P4b: a first confirm with content sniffing and image rules on (CONTENT_SNIFFING=strict). */
  readonly sniffed: readonly string[];
}

export const runConfirmRequestsBench = async (): Promise<ConfirmRequestsReport> => {
  const directory = await mkdtemp(join(tmpdir(), 'draftstore-p4-'));
  const buckets = { draft: 'bench-draft', main: 'bench' };
  const store = await startEmbeddedS3({
    host: '127.0.0.1',
    port: 0,
    directory,
    buckets: [buckets.draft, buckets.main],
    accessKey: 'bench-access',
    secretKey: 'bench-secret',
  });
  const proxy = await startCountingProxy(store.endpoint);
  const minio = loadConfig({
    STORAGE_TYPE: 'minio',
    MINIO_ENDPOINT: proxy.endpoint,
    MINIO_ACCESS_KEY: 'bench-access',
    MINIO_SECRET_KEY: 'bench-secret',
    BUCKET_NAME: buckets.main,
    DRAFT_BUCKET_NAME: buckets.draft,
  });
  // The AWS configuration, with a client that reaches the proxy instead of AWS.
  const config = { ...minio, storageType: 's3' as const };
  const services = composeServices(config, { client: createS3Client(minio) });
  const sniffing = composeServices(config, {
    client: createS3Client(minio),
    checks: confirmChecks,
  });
  const caller = { owner: 'bench' };
  try {
    const ticket = await services.drafts.uploadUrl(caller, {
      objectName: 'p4/small.txt',
      contentType: 'text/plain',
      contentLength: 5,
    });
    const put = await fetch(ticket.url, { method: 'PUT', headers: ticket.headers, body: 'hello' });
    if (!put.ok) throw new Error(`the draft PUT answered ${put.status}`);

    const before = proxy.requests.length;
    await services.drafts.confirm(caller, { objectName: 'p4/small.txt' });
    const first = proxy.requests.slice(before);
    const again = proxy.requests.length;
    await services.drafts.confirm(caller, { objectName: 'p4/small.txt' });
    const retried = proxy.requests.slice(again);

    const sniffedTicket = await sniffing.drafts.uploadUrl(caller, {
      objectName: 'p4/sniffed.txt',
      contentType: 'text/plain',
      contentLength: 5,
    });
    const sniffedPut = await fetch(sniffedTicket.url, {
      method: 'PUT',
      headers: sniffedTicket.headers,
      body: 'hello',
    });
    if (!sniffedPut.ok) throw new Error(`the draft PUT answered ${sniffedPut.status}`);
    const beforeSniffed = proxy.requests.length;
    await sniffing.drafts.confirm(caller, { objectName: 'p4/sniffed.txt' });
    const sniffed = proxy.requests.slice(beforeSniffed);
    return { first, retried, sniffed };
  } finally {
    services.client.destroy();
    sniffing.client.destroy();
    await proxy.close();
    await store.close();
    await rm(directory, { recursive: true, force: true });
  }
};

const methods = (requests: readonly string[]) =>
  requests.map((line) => line.split(' ')[0]).join(', ');

export const formatConfirmRequestsBench = (report: ConfirmRequestsReport): string =>
  [
    `P4 S3 requests for a first confirm (small object): ${report.first.length} (${methods(report.first)}), goal <= 3: ${report.first.length <= 3 ? 'met' : 'NOT MET'}`,
    `    a retried confirm (draft already moved): ${report.retried.length} (${methods(report.retried)})`,
    `P4b S3 requests for a first confirm with content sniffing: ${report.sniffed.length} (${methods(report.sniffed)}), goal <= ${report.first.length + 1}: ${report.sniffed.length <= report.first.length + 1 ? 'met' : 'NOT MET'}`,
  ].join('\n');
