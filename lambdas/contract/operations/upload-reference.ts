import type { UploadReference } from '../../core/multipart-service.js';
import type { MultipartListPartsRequest } from '../multipart.js';

/** The three fields that name one upload in every multipart call after create. */
export const uploadReferenceOf = (input: MultipartListPartsRequest): UploadReference => ({
  objectName: input.object_name,
  uploadId: input.upload_id,
  uploadToken: input.upload_token,
});
