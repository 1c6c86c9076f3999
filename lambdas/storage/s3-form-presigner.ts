import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { FormPresigner } from '../core/form-presigner.js';
import type { PresignedPost, PresignPostRequest } from '../core/object-store.js';
import { toDraftError } from './s3-errors.js';

/**
 * Presigned POSTs over S3. A module of its own, wired only where forms are served (the
 * upload-form function and the local runtime), so that @aws-sdk/s3-presigned-post stays
 * out of every other bundle.
 */
export class S3FormPresigner implements FormPresigner {
  readonly #client: S3Client;

  constructor(client: S3Client) {
    this.#client = client;
  }

  async presignPost(request: PresignPostRequest): Promise<PresignedPost> {
    const metadataFields = Object.fromEntries(
      Object.entries(request.metadata ?? {}).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    );
    try {
      const post = await createPresignedPost(this.#client, {
        Bucket: request.bucket,
        Key: request.key,
        Fields: { 'Content-Type': request.contentType, ...metadataFields },
        Conditions: [
          // The library signs `starts-with $key` for a key ending in `${filename}`; an
          // explicit exact condition pins the key whatever it holds (names refuse the
          // placeholder too, see object-name.ts).
          { key: request.key },
          ['content-length-range', request.minBytes, request.maxBytes],
          ['eq', '$Content-Type', request.contentType],
          // Exact conditions: the store refuses a form that drops or changes any of them.
          ...Object.entries(metadataFields).map(
            ([field, value]) => ['eq', `$${field}`, value] as ['eq', string, string],
          ),
        ],
        Expires: request.expiresInSeconds,
      });
      return { url: post.url, fields: post.fields };
    } catch (error) {
      throw toDraftError(error, 'presigning a form upload');
    }
  }
}

/** ComposeOptions.forms over S3. */
export const s3FormPresigner = (client: S3Client): FormPresigner => new S3FormPresigner(client);
