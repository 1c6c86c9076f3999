/**
 * The multipart routes' shapes (issue 11, §1). PROVISIONAL: the server's zod schemas for
 * these routes are being written on another branch; once merged, this file re-exports
 * their types from lambdas/contract like wire.ts does, and the interfaces below go.
 */
export interface MultipartCreateRequest {
  object_name: string;
  content_length: number;
  content_type?: string | undefined;
  part_size?: number | undefined;
}
export interface MultipartCreateResponse {
  upload_id: string;
  upload_token: string;
  object_name: string;
  part_size: number;
  part_count: number;
  expires_at: string;
}
export interface MultipartSignRequest {
  object_name: string;
  upload_id: string;
  upload_token: string;
  part_numbers: number[];
  content_md5?: Record<string, string> | undefined;
}
export interface MultipartSignResponse {
  parts: { part_number: number; url: string; method: 'PUT'; headers: Record<string, string> }[];
  expires_at: string;
}
export interface MultipartUploadRef {
  object_name: string;
  upload_id: string;
  upload_token: string;
}
export interface MultipartListResponse {
  parts: { part_number: number; etag: string; size: number }[];
}
export interface MultipartCompleteRequest extends MultipartUploadRef {
  parts: { part_number: number; etag: string }[];
}
export interface MultipartCompleteResponse {
  object_name: string;
  size: number;
  etag: string;
}
export interface MultipartAbortResponse {
  aborted: true;
}
