import type { PresignedPost, PresignPostRequest } from './object-store.js';

/**
 * The port for presigned POSTs (browser form uploads), apart from ObjectStore because
 * only what serves forms needs it: the policy binds the exact key, the Content-Type, a
 * size range, the metadata and the expiry, and the store enforces every condition.
 */
export interface FormPresigner {
  presignPost(request: PresignPostRequest): Promise<PresignedPost>;
}
