import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { HandlerContext, ServiceImpl } from '@connectrpc/connect';
import * as z from 'zod/mini';
import {
  multipartCompleteRequest,
  multipartCreateRequest,
  multipartListPartsRequest,
  multipartSignPartsRequest,
} from '../contract/multipart.js';
import type { Caller } from '../core/caller.js';
import type { MultipartService, UploadReference } from '../core/multipart-service.js';
import {
  AbortMultipartUploadResponseSchema,
  CompleteMultipartUploadResponseSchema,
  CreateMultipartUploadResponseSchema,
  DraftService,
  ListUploadPartsResponseSchema,
  ResultSchema,
  SignUploadPartsResponseSchema,
} from '../gen/draft/v1/draft_pb.js';

type MultipartRpcs = Pick<
  ServiceImpl<typeof DraftService>,
  | 'createMultipartUpload'
  | 'signUploadParts'
  | 'listUploadParts'
  | 'completeMultipartUpload'
  | 'abortMultipartUpload'
>;

// The REST schemas' checks for everything but the name, which the domain validates (so
// an empty name is ERROR_TYPE_INVALID_OBJECT_NAME, as in the other RPCs).
const createOptions = z.omit(multipartCreateRequest, { object_name: true });
const signOptions = z.omit(multipartSignPartsRequest, { object_name: true });
const referenceOptions = z.omit(multipartListPartsRequest, { object_name: true });
const completeOptions = z.omit(multipartCompleteRequest, { object_name: true });

const ok = () => create(ResultSchema, { success: true });

interface WireReference {
  objectName: string;
  uploadId: string;
  uploadToken: string;
}

const reference = (request: WireReference): UploadReference => {
  const checked = referenceOptions.parse({
    upload_id: request.uploadId,
    upload_token: request.uploadToken,
  });
  return {
    objectName: request.objectName,
    uploadId: checked.upload_id,
    uploadToken: checked.upload_token,
  };
};

/** The five multipart RPCs of draft.v1 over the core MultipartService, checked like REST. */
export const multipartRpcs = (
  resolve: () => MultipartService,
  callerOf: (context: HandlerContext) => Caller,
): MultipartRpcs => ({
  async createMultipartUpload(request, context) {
    const options = createOptions.parse({
      content_length: Number(request.contentLength),
      ...(request.contentType !== '' && { content_type: request.contentType }),
      ...(request.partSize !== undefined && { part_size: Number(request.partSize) }),
    });
    const upload = await resolve().create(callerOf(context), {
      objectName: request.objectName,
      contentLength: options.content_length,
      ...(options.content_type !== undefined && { contentType: options.content_type }),
      ...(options.part_size !== undefined && { partSize: options.part_size }),
    });
    return create(CreateMultipartUploadResponseSchema, {
      result: ok(),
      uploadId: upload.uploadId,
      uploadToken: upload.uploadToken,
      objectName: upload.objectName,
      partSize: BigInt(upload.partSize),
      partCount: upload.partCount,
      expiresAt: timestampFromDate(upload.expiresAt),
    });
  },

  async signUploadParts(request, context) {
    const md5Entries = Object.entries(request.contentMd5);
    const options = signOptions.parse({
      upload_id: request.uploadId,
      upload_token: request.uploadToken,
      part_numbers: request.partNumbers,
      ...(md5Entries.length > 0 && { content_md5: Object.fromEntries(md5Entries) }),
    });
    const signed = await resolve().signParts(callerOf(context), {
      objectName: request.objectName,
      uploadId: options.upload_id,
      uploadToken: options.upload_token,
      partNumbers: options.part_numbers,
      ...(options.content_md5 !== undefined && { contentMd5: options.content_md5 }),
    });
    return create(SignUploadPartsResponseSchema, {
      result: ok(),
      parts: signed.parts.map((part) => ({
        partNumber: part.partNumber,
        url: part.url,
        method: part.method,
        headers: { ...part.headers },
      })),
      expiresAt: timestampFromDate(signed.expiresAt),
    });
  },

  async listUploadParts(request, context) {
    const parts = await resolve().listParts(callerOf(context), reference(request));
    return create(ListUploadPartsResponseSchema, {
      result: ok(),
      parts: parts.map((part) => ({
        partNumber: part.partNumber,
        etag: part.etag,
        size: BigInt(part.size),
      })),
    });
  },

  async completeMultipartUpload(request, context) {
    const options = completeOptions.parse({
      upload_id: request.uploadId,
      upload_token: request.uploadToken,
      parts: request.parts.map((part) => ({ part_number: part.partNumber, etag: part.etag })),
    });
    const completed = await resolve().complete(callerOf(context), {
      objectName: request.objectName,
      uploadId: options.upload_id,
      uploadToken: options.upload_token,
      parts: options.parts.map((part) => ({ partNumber: part.part_number, etag: part.etag })),
    });
    return create(CompleteMultipartUploadResponseSchema, {
      result: ok(),
      objectName: completed.objectName,
      size: BigInt(completed.size),
      etag: completed.etag,
    });
  },

  async abortMultipartUpload(request, context) {
    await resolve().abort(callerOf(context), reference(request));
    return create(AbortMultipartUploadResponseSchema, { result: ok(), aborted: true });
  },
});
