import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import * as z from 'zod/mini';
import { confirmUpload } from '../contract/operations/confirm-upload.js';
import { createDraftBucket } from '../contract/operations/create-draft-bucket.js';
import { deleteObject } from '../contract/operations/delete-object.js';
import { downloadUrl } from '../contract/operations/download-url.js';
import { health } from '../contract/operations/health.js';
import { listObjects } from '../contract/operations/list-objects.js';
import { objectInfo } from '../contract/operations/object-info.js';
import { uploadUrl } from '../contract/operations/upload-url.js';
import { usage } from '../contract/operations/usage.js';
import { listObjectsRequest, uploadUrlRequest } from '../contract/requests.js';
import { BucketState, Stage } from '../gen/draft/v1/draft_pb.js';
import { MULTIPART_RPCS } from './multipart-rpcs.js';
import type { RpcBindings } from './rpc-binding.js';
import { bindRpc } from './rpc-binding.js';
import { bucketStage, wireStage } from './stages.js';

/** Every answer's `result`; answers are init shapes, which Connect turns into messages. */
const OK = { success: true } as const;

const bucketState = (outcome: 'created' | 'existed' | 'ok' | 'unavailable'): BucketState =>
  outcome === 'created'
    ? BucketState.CREATED
    : outcome === 'unavailable'
      ? BucketState.UNAVAILABLE
      : BucketState.OK;

/**
 * An unset stage is how an original draft.v1 client (which had no stage) asks: the
 * draft, or the confirmed object when there is no draft, as its Go server answered.
 */
const downloadStage = (stage: Stage): { stage?: 'draft' | 'main'; fallbackToMain?: true } =>
  stage === Stage.UNSPECIFIED ? { fallbackToMain: true } : { stage: bucketStage(stage, undefined) };

// The REST schema's checks for everything but the name, which the domain validates
// (so an empty name is ERROR_TYPE_INVALID_OBJECT_NAME, as in the original).
const uploadOptions = z.omit(uploadUrlRequest, { object_name: true });
// The REST listing's checks for the fields RPC has as strings and numbers.
const listOptions = z.omit(listObjectsRequest, { stage: true });

/**
 * draft.v1.DraftService: each method bound to its operation (lambdas/contract/operations),
 * which maps the request to the domain as REST does; only the protobuf reading and writing
 * is here. An empty proto3 string or zero means the field is absent.
 */
export const DRAFT_RPCS: RpcBindings = {
  ...MULTIPART_RPCS,

  createDraftBucket: bindRpc(
    createDraftBucket,
    () => undefined,
    (ensured) => ({
      result: OK,
      draftBucket: bucketState(ensured.draft),
      mainBucket: bucketState(ensured.main),
    }),
  ),

  getUploadURL: bindRpc(
    uploadUrl,
    (request) => ({
      ...uploadOptions.parse({
        ...(request.contentType !== '' && { content_type: request.contentType }),
        ...(request.contentLength !== undefined && {
          content_length: Number(request.contentLength),
        }),
        ...(request.contentMd5 !== '' && { content_md5: request.contentMd5 }),
        ...(request.checksumSha256 !== '' && { checksum_sha256: request.checksumSha256 }),
        ...(Object.keys(request.metadata).length > 0 && { metadata: { ...request.metadata } }),
      }),
      object_name: request.objectName,
    }),
    (ticket) => ({
      result: OK,
      url: ticket.url,
      method: ticket.method,
      headers: { ...ticket.headers },
      expiresAt: timestampFromDate(ticket.expiresAt),
      objectName: ticket.objectName,
    }),
  ),

  getDownloadURL: bindRpc(
    downloadUrl,
    (request) => ({ object_name: request.objectName, ...downloadStage(request.stage) }),
    (ticket) => ({
      result: OK,
      url: ticket.url,
      stage: wireStage(ticket.stage),
      expiresAt: timestampFromDate(ticket.expiresAt),
      objectName: ticket.objectName,
    }),
  ),

  confirmUpload: bindRpc(
    confirmUpload,
    (request) => ({ object_name: request.objectName }),
    (confirmed) => ({
      result: OK,
      finalLocation: `${confirmed.bucket}/${confirmed.key}`,
      size: BigInt(confirmed.size),
      etag: confirmed.etag,
      contentType: confirmed.contentType ?? '',
      objectName: confirmed.objectName,
    }),
  ),

  getUsage: bindRpc(
    usage,
    () => undefined,
    (report) => ({
      result: OK,
      bytes: BigInt(report.bytes),
      objects: BigInt(report.objects),
      ...(report.quota.bytes !== null && { quotaBytes: BigInt(report.quota.bytes) }),
      ...(report.quota.objects !== null && { quotaObjects: BigInt(report.quota.objects) }),
    }),
  ),

  health: bindRpc(
    health,
    () => undefined,
    (report) => ({
      result: OK,
      healthy: report.healthy,
      draftBucket: bucketState(report.buckets.draft),
      mainBucket: bucketState(report.buckets.main),
    }),
  ),

  getObjectInfo: bindRpc(
    objectInfo,
    (request) => ({
      object_name: request.objectName,
      stage: bucketStage(request.stage, 'main'),
    }),
    (info) => ({
      result: OK,
      objectName: info.objectName,
      stage: wireStage(info.stage),
      size: BigInt(info.size),
      contentType: info.contentType ?? '',
      etag: info.etag,
      ...(info.lastModified && { lastModified: timestampFromDate(info.lastModified) }),
      metadata: { ...info.metadata },
    }),
  ),

  listObjects: bindRpc(
    listObjects,
    (request) => ({
      ...listOptions.parse({
        ...(request.prefix !== '' && { prefix: request.prefix }),
        ...(request.delimiter !== '' && { delimiter: request.delimiter }),
        ...(request.cursor !== '' && { cursor: request.cursor }),
        ...(request.limit !== 0 && { limit: request.limit }),
      }),
      stage: bucketStage(request.stage, 'main'),
    }),
    (page) => ({
      result: OK,
      objects: page.objects.map((object) => ({
        objectName: object.objectName,
        size: BigInt(object.size),
        etag: object.etag,
        lastModified: timestampFromDate(object.lastModified),
      })),
      prefixes: [...page.prefixes],
      nextCursor: page.nextCursor ?? '',
    }),
  ),

  deleteObject: bindRpc(
    deleteObject,
    (request) => ({
      object_name: request.objectName,
      stage: bucketStage(request.stage, undefined),
    }),
    () => ({ result: OK, deleted: true }),
  ),
};
