/**
 * `@draftstore/client/uppy`: options for Uppy 6's `@uppy/aws-s3` that upload through
 * DraftStore. `uppy.use(AwsS3, draftStoreUppy(client, { confirm: true }))`.
 *
 * Uppy asks `signRequest` for each S3 request of an upload. Only the bytes go to S3 (a PUT,
 * or a part PUT, each presigned by DraftStore with its exact length); create, list-parts,
 * complete and abort are DraftStore's own multipart calls, whose answers are handed back to
 * Uppy as the S3 XML it expects (a `data:` URL). So the upload token, the part plan and the
 * policy checks hold as for any SDK upload, and Uppy never needs S3 credentials or S3 CORS
 * beyond PUT. See docs/uppy.md.
 *
 * Types only: nothing of Uppy is imported, so `@uppy/*` stay peer dependencies and never
 * enter the SDK's bundle.
 */
import type { DraftStoreClient } from './client.js';
import type {
  MultipartCompleteResponse,
  MultipartCreateResponse,
  MultipartListPartsResponse,
  MultipartSignPartsResponse,
  UploadUrlResponse,
} from './wire.js';

const MIB = 1024 * 1024;
/** S3's most parts, and its smallest part but the last. */
const MAX_PARTS = 10_000;
const MIN_PART_BYTES = 5 * MIB;

/** The file as Uppy hands it to the plugin's options (the fields used here). */
export interface UppyFileLike {
  readonly name?: string | undefined;
  readonly size: number | null;
  readonly type?: string | undefined;
}

/** One S3 request Uppy 6 asks to be signed (`@uppy/aws-s3`'s PresignableRequest). */
export interface S3RequestToSign {
  readonly method: 'PUT' | 'POST' | 'GET' | 'DELETE';
  readonly key: string;
  readonly uploadId?: string;
  readonly partNumber?: number;
  readonly contentType?: string;
}

/** What `signRequest` answers (`@uppy/aws-s3`'s PresignedResponse). */
export interface SignedS3Request {
  readonly url: string;
  readonly key?: string;
  readonly headers?: Record<string, string>;
}

export interface DraftStoreUppyOptions {
  /**
   * Confirm each upload into the main bucket before Uppy reports it done; a refusal is the
   * file's error. Every non-empty file then goes up as a multipart upload (one part if
   * small), since only the multipart flow returns to DraftStore after the bytes are in.
   * @default false
   */
  readonly confirm?: boolean;
  /** The object name of a file. @default the file's name */
  readonly objectName?: (file: UppyFileLike) => string;
  /** Without `confirm`, files above this size go up in parts. @default 16 MiB */
  readonly multipartThreshold?: number;
  /** The part size asked of DraftStore (raised to keep within 10,000 parts). @default 16 MiB */
  readonly partSize?: number;
}

/** The AwsS3 options this returns: Uppy 6's public `signRequest` mode. */
export interface DraftStoreAwsS3Options {
  readonly shouldUseMultipart: (file: UppyFileLike) => boolean;
  readonly getChunkSize: (file: { size: number }) => number;
  readonly generateObjectKey: (file: UppyFileLike) => string;
  readonly signRequest: (request: S3RequestToSign) => Promise<SignedS3Request>;
}

/** The part size DraftStore plans for `size` bytes when asked for `requested` (server: part-plan.ts). */
const planPartSize = (size: number, requested: number): number =>
  Math.max(requested, MIN_PART_BYTES, Math.ceil(Math.ceil(size / MAX_PARTS) / MIB) * MIB);

/**
 * Uppy's uploadId carries DraftStore's upload token with the store's upload id:
 * `<token>~<upload id>`. The token never contains `~`; an upload id may.
 */
const packUploadId = (token: string, uploadId: string) => `${token}~${uploadId}`;
const unpackUploadId = (packed: string): { upload_token: string; upload_id: string } => {
  const at = packed.indexOf('~');
  if (at <= 0) throw new Error(`DraftStore: "${packed}" is not an upload id this helper issued.`);
  return { upload_token: packed.slice(0, at), upload_id: packed.slice(at + 1) };
};

const xmlText = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** An S3-shaped XML answer Uppy reads, without a request to anywhere. */
const xmlAnswer = (xml: string): SignedS3Request => ({
  url: `data:application/xml;charset=utf-8,${encodeURIComponent(`<?xml version="1.0"?>${xml}`)}`,
});

/** Headers a browser sets itself (it sends the body's exact length, which the URL signs). */
const FORBIDDEN = new Set(['content-length', 'host']);
const sendable = (headers: Readonly<Record<string, string>> = {}) =>
  Object.fromEntries(
    Object.entries(headers).filter(([name]) => !FORBIDDEN.has(name.toLowerCase())),
  );

/** Options for `uppy.use(AwsS3, ...)` (Uppy 6) that upload through `client`. */
export const draftStoreUppy = (
  client: DraftStoreClient,
  options: DraftStoreUppyOptions = {},
): DraftStoreAwsS3Options => {
  const requestedPartSize = options.partSize ?? 16 * MIB;
  const threshold = options.multipartThreshold ?? 16 * MIB;
  /** Size and type by object name: S3 requests name only the key. */
  const files = new Map<string, { size: number; type?: string | undefined }>();

  const factsOf = (key: string) => {
    const facts = files.get(key);
    if (!facts) throw new Error(`DraftStore: no file is being uploaded as "${key}".`);
    return facts;
  };

  const create = async (key: string): Promise<SignedS3Request> => {
    const { size, type } = factsOf(key);
    const partSize = planPartSize(size, requestedPartSize);
    const created = await client.post<MultipartCreateResponse>('/api/v1/multipart/create', {
      object_name: key,
      content_length: size,
      ...(type && { content_type: type }),
      part_size: partSize,
    });
    if (created.part_size !== partSize) {
      throw new Error(
        `DraftStore planned ${created.part_size}-byte parts; Uppy cuts ${partSize}-byte ones.`,
      );
    }
    const uploadId = packUploadId(created.upload_token, created.upload_id);
    return {
      ...xmlAnswer(
        `<InitiateMultipartUploadResult><Key>${xmlText(created.object_name)}</Key><UploadId>${xmlText(uploadId)}</UploadId></InitiateMultipartUploadResult>`,
      ),
      key: created.object_name,
    };
  };

  const listed = async (key: string, packed: string) =>
    (
      await client.post<MultipartListPartsResponse>('/api/v1/multipart/list-parts', {
        object_name: key,
        ...unpackUploadId(packed),
      })
    ).parts;

  const complete = async (key: string, packed: string): Promise<SignedS3Request> => {
    // Uppy sends the part list to S3 itself; DraftStore's listing holds only completed parts.
    const parts = await listed(key, packed);
    const done = await client.post<MultipartCompleteResponse>('/api/v1/multipart/complete', {
      object_name: key,
      ...unpackUploadId(packed),
      parts: parts.map((part) => ({ part_number: part.part_number, etag: part.etag })),
    });
    // A refusal throws here, before Uppy hears of success: it becomes the file's error.
    if (options.confirm) await client.confirm(done.object_name);
    files.delete(key);
    return xmlAnswer(
      `<CompleteMultipartUploadResult><Location>${xmlText(done.object_name)}</Location><Key>${xmlText(done.object_name)}</Key><ETag>"${xmlText(done.etag)}"</ETag></CompleteMultipartUploadResult>`,
    );
  };

  const signRequest = async (request: S3RequestToSign): Promise<SignedS3Request> => {
    const { method, key, uploadId, partNumber } = request;
    if (uploadId === undefined) {
      if (method === 'POST') return create(key);
      if (method === 'PUT') {
        const { size, type } = factsOf(key);
        const ticket = await client.post<UploadUrlResponse>('/api/v1/upload-url', {
          object_name: key,
          content_length: size,
          ...(type && { content_type: type }),
        });
        return {
          url: ticket.upload_url,
          key: ticket.object_name,
          headers: sendable(ticket.headers),
        };
      }
    } else if (method === 'PUT' && partNumber !== undefined) {
      const signed = await client.post<MultipartSignPartsResponse>('/api/v1/multipart/sign-parts', {
        object_name: key,
        ...unpackUploadId(uploadId),
        part_numbers: [partNumber],
      });
      const [part] = signed.parts;
      if (!part) throw new Error(`DraftStore signed no URL for part ${partNumber}.`);
      return { url: part.url, headers: sendable(part.headers) };
    } else if (method === 'GET') {
      const parts = await listed(key, uploadId);
      return xmlAnswer(
        `<ListPartsResult>${parts
          .map(
            (part) =>
              `<Part><PartNumber>${part.part_number}</PartNumber><ETag>"${xmlText(part.etag.replace(/"/g, ''))}"</ETag><Size>${part.size}</Size></Part>`,
          )
          .join('')}</ListPartsResult>`,
      );
    } else if (method === 'POST') {
      return complete(key, uploadId);
    } else if (method === 'DELETE') {
      await client.post('/api/v1/multipart/abort', {
        object_name: key,
        ...unpackUploadId(uploadId),
      });
      files.delete(key);
      return xmlAnswer('<AbortMultipartUploadResult/>');
    }
    throw new Error(`DraftStore does not sign S3 ${method} requests for Uppy.`);
  };

  return {
    shouldUseMultipart: (file) =>
      options.confirm ? (file.size ?? 0) > 0 : (file.size ?? 0) > threshold,
    getChunkSize: (file) => planPartSize(file.size, requestedPartSize),
    generateObjectKey: (file) => {
      const key = options.objectName?.(file) ?? file.name ?? 'upload';
      files.set(key, { size: file.size ?? 0, type: file.type || undefined });
      return key;
    },
    signRequest,
  };
};
