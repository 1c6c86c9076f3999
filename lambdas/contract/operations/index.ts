import { confirmUploadSpec } from './confirm-upload.js';
import { createDraftBucketSpec } from './create-draft-bucket.js';
import { deleteObjectSpec } from './delete-object.js';
import { downloadUrlSpec } from './download-url.js';
import { healthSpec } from './health.js';
import { listObjectsSpec } from './list-objects.js';
import { multipartAbortSpec } from './multipart-abort.js';
import { multipartCompleteSpec } from './multipart-complete.js';
import { multipartCreateSpec } from './multipart-create.js';
import { multipartListPartsSpec } from './multipart-list-parts.js';
import { multipartSignPartsSpec } from './multipart-sign-parts.js';
import { objectInfoSpec } from './object-info.js';
import { uploadFormSpec } from './upload-form.js';
import { uploadUrlSpec } from './upload-url.js';
import { usageSpec } from './usage.js';

/**
 * Every operation: the one list REST, the original routes, draft.v1, the OpenAPI generator,
 * the local router and the CDK function table are derived from. No Lambda imports it (each
 * imports only the parts it serves), so bundles stay per operation.
 */
export const OPERATIONS = [
  // First, so that the original routes keep their order: bucket, upload-url, download-url, confirm.
  createDraftBucketSpec,
  uploadUrlSpec,
  uploadFormSpec,
  downloadUrlSpec,
  confirmUploadSpec,
  objectInfoSpec,
  listObjectsSpec,
  deleteObjectSpec,
  healthSpec,
  multipartCreateSpec,
  multipartSignPartsSpec,
  multipartListPartsSpec,
  multipartCompleteSpec,
  multipartAbortSpec,
  usageSpec,
] as const;

export type OperationName = (typeof OPERATIONS)[number]['name'];
