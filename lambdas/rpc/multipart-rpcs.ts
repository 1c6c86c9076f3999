import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import * as z from 'zod/mini';
import { multipartAbort } from '../contract/operations/multipart-abort.js';
import { multipartComplete } from '../contract/operations/multipart-complete.js';
import { multipartCreate } from '../contract/operations/multipart-create.js';
import { multipartListParts } from '../contract/operations/multipart-list-parts.js';
import { multipartSignParts } from '../contract/operations/multipart-sign-parts.js';
import {
  multipartCompleteRequest,
  multipartCreateRequest,
  multipartListPartsRequest,
  multipartSignPartsRequest,
  type MultipartListPartsRequest,
} from '../contract/multipart.js';
import { bindRpc, type RpcBindings } from './rpc-binding.js';

// The REST schemas' checks for everything but the name, which the domain validates (so
// an empty name is ERROR_TYPE_INVALID_OBJECT_NAME, as in the other RPCs).
const createOptions = z.omit(multipartCreateRequest, { object_name: true });
const signOptions = z.omit(multipartSignPartsRequest, { object_name: true });
const referenceOptions = z.omit(multipartListPartsRequest, { object_name: true });
const completeOptions = z.omit(multipartCompleteRequest, { object_name: true });

/** Every answer's `result`; answers are init shapes, which Connect turns into messages. */
const OK = { success: true } as const;

interface WireReference {
  readonly objectName: string;
  readonly uploadId: string;
  readonly uploadToken: string;
}

const reference = (request: WireReference): MultipartListPartsRequest => ({
  ...referenceOptions.parse({ upload_id: request.uploadId, upload_token: request.uploadToken }),
  object_name: request.objectName,
});

/** The five multipart RPCs of draft.v1, checked like REST. */
export const MULTIPART_RPCS: Pick<
  RpcBindings,
  | 'createMultipartUpload'
  | 'signUploadParts'
  | 'listUploadParts'
  | 'completeMultipartUpload'
  | 'abortMultipartUpload'
> = {
  createMultipartUpload: bindRpc(
    multipartCreate,
    (request) => ({
      ...createOptions.parse({
        content_length: Number(request.contentLength),
        ...(request.contentType !== '' && { content_type: request.contentType }),
        ...(request.partSize !== undefined && { part_size: Number(request.partSize) }),
      }),
      object_name: request.objectName,
    }),
    (upload) => ({
      result: OK,
      uploadId: upload.uploadId,
      uploadToken: upload.uploadToken,
      objectName: upload.objectName,
      partSize: BigInt(upload.partSize),
      partCount: upload.partCount,
      expiresAt: timestampFromDate(upload.expiresAt),
    }),
  ),

  signUploadParts: bindRpc(
    multipartSignParts,
    (request) => {
      const md5Entries = Object.entries(request.contentMd5);
      return {
        ...signOptions.parse({
          upload_id: request.uploadId,
          upload_token: request.uploadToken,
          part_numbers: request.partNumbers,
          ...(md5Entries.length > 0 && { content_md5: Object.fromEntries(md5Entries) }),
        }),
        object_name: request.objectName,
      };
    },
    (signed) => ({
      result: OK,
      parts: signed.parts.map((part) => ({
        partNumber: part.partNumber,
        url: part.url,
        method: part.method,
        headers: { ...part.headers },
      })),
      expiresAt: timestampFromDate(signed.expiresAt),
    }),
  ),

  listUploadParts: bindRpc(multipartListParts, reference, (parts) => ({
    result: OK,
    parts: parts.map((part) => ({
      partNumber: part.partNumber,
      etag: part.etag,
      size: BigInt(part.size),
    })),
  })),

  completeMultipartUpload: bindRpc(
    multipartComplete,
    (request) => ({
      ...completeOptions.parse({
        upload_id: request.uploadId,
        upload_token: request.uploadToken,
        parts: request.parts.map((part) => ({ part_number: part.partNumber, etag: part.etag })),
      }),
      object_name: request.objectName,
    }),
    (completed) => ({
      result: OK,
      objectName: completed.objectName,
      size: BigInt(completed.size),
      etag: completed.etag,
    }),
  ),

  abortMultipartUpload: bindRpc(multipartAbort, reference, () => ({ result: OK, aborted: true })),
};
