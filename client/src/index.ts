/** @draftstore/client: resumable DraftStore uploads with progress, for browsers and Node. */
export { DraftStoreClient } from './client.js';
export type {
  ConfirmOptions,
  DraftStoreClientOptions,
  UploadOptions,
  UploadResult,
} from './client.js';
export { DraftStoreError } from './errors.js';
export type { UploadProgress } from './progress.js';
export { Md5, md5Base64 } from './md5.js';
export {
  fingerprintOf,
  localStorageResumeStore,
  memoryResumeStore,
  type ResumeRecord,
  type ResumeStore,
} from './resume-store.js';
export { backoffDelay, isTransient, type RetryPolicy, type RetryWait } from './retry.js';
export { fetchTransport } from './transport-fetch.js';
export type { PutRequest, PutResponse, PutTransport } from './transport.js';
export type * from './wire.js';
