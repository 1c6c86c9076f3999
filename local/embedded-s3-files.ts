import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';

const require = createRequire(import.meta.url);
const S3Error = require('s3rver/lib/models/error.js') as new (
  code: string,
  message: string,
  detail?: Record<string, string>,
) => Error;

/** The longest file name ext4, XFS, btrfs, APFS and NTFS allow, in bytes. */
const MAX_FILE_NAME_BYTES = 255;

/**
 * s3rver keeps an object as files named after the key's last segment plus these
 * suffixes (and a tagging document, `._S3rver_tagging.xml`); earlier segments become
 * directories. A segment containing the marker could name a directory that is also
 * another object's file, so the marker is reserved.
 */
export const EMBEDDED_RESERVED_MARKER = '._S3rver_';
const FILE_SUFFIXES = [
  '._S3rver_object',
  '._S3rver_object.md5',
  '._S3rver_metadata.json',
  '._S3rver_tagging.xml',
];

/** The longest last segment whose every file fits: 255 − 22 (`._S3rver_metadata.json`) = 233. */
export const EMBEDDED_MAX_SEGMENT_BYTES =
  MAX_FILE_NAME_BYTES - Math.max(...FILE_SUFFIXES.map((suffix) => Buffer.byteLength(suffix)));

/**
 * Whether the embedded store can keep `key` on disk without any file name overflowing,
 * and inside its bucket's folder: a `.` or `..` segment would make the path leave it (the
 * store checks no signatures, so anyone who reaches its port could send one).
 */
export const fitsOnDisk = (key: string): boolean =>
  key
    .split('/')
    .every(
      (segment) =>
        Buffer.byteLength(segment) <= EMBEDDED_MAX_SEGMENT_BYTES &&
        !segment.includes(EMBEDDED_RESERVED_MARKER) &&
        segment !== '.' &&
        segment !== '..',
    );

const keyTooLong = (key: string): Error =>
  new S3Error(
    'KeyTooLongError',
    `This store keeps each key segment in a file name: at most ${EMBEDDED_MAX_SEGMENT_BYTES} bytes, without "${EMBEDDED_RESERVED_MARKER}", and not "." or "..".`,
    { Key: key.slice(0, 64) },
  );

const noSuchFile = (): Error => Object.assign(new Error('no such object'), { code: 'ENOENT' });

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

/**
 * S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens, starting
 * and ending with a letter or digit, no two dots in a row. s3rver keeps a bucket as the
 * folder of that name and checks nothing, so `..` or `../x` named a folder outside.
 */
export const isBucketName = (name: string): boolean =>
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..');

const decoded = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const refuse = (
  ctx: { status: number; body: unknown; type: string },
  code: string,
  message: string,
): void => {
  ctx.status = 400;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
};

/**
 * s3rver middleware (koa): refuses a request whose bucket or key could name a path
 * outside the store's folder, before any of s3rver's handlers (objects, parts, tagging)
 * turns it into one.
 */
export const refuseEscapingPaths = async (
  ctx: { path: string; status: number; body: unknown; type: string },
  next: () => Promise<unknown>,
): Promise<void> => {
  const [bucket = '', ...key] = ctx.path.split('/').slice(1);
  if (bucket !== '' && !isBucketName(decoded(bucket))) {
    return refuse(ctx, 'InvalidBucketName', 'The specified bucket is not valid.');
  }
  const segments = key.join('/').split('/').map(decoded).join('/').split('/');
  if (key.length > 0 && segments.some((segment) => segment === '.' || segment === '..')) {
    return refuse(ctx, 'InvalidArgument', 'A key segment cannot be "." or ".." on this store.');
  }
  await next();
};

/** The parts of s3rver's FilesystemStore that are wrapped here. */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<unknown>;
  getObject(bucket: string, key: string, options?: unknown): Promise<unknown>;
  existsObject(bucket: string, key: string): Promise<boolean>;
  deleteObject(bucket: string, key: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  copyObject(
    sourceBucket: string,
    sourceKey: string,
    targetBucket: string,
    targetKey: string,
    metadata?: unknown,
  ): Promise<unknown>;
  initiateUpload(bucket: string, key: string, uploadId: string, metadata: unknown): Promise<void>;
  putSubresource(bucket: string, key: string | undefined, resource: unknown): Promise<void>;
}

/**
 * Makes the embedded store refuse what its disk cannot hold instead of failing
 * halfway: a key that does not fit (see fitsOnDisk) is never written (400
 * KeyTooLongError) and never found (a read answers NoSuchKey, a delete is a no-op),
 * so a half-written object from an older version is invisible instead of failing every
 * listing, which HEAD Bucket (health) and cleanup depend on.
 */
export const guardFileNames = (store: FilesystemStore): void => {
  const original = {
    getMetadata: store.getMetadata.bind(store),
    getObject: store.getObject.bind(store),
    existsObject: store.existsObject.bind(store),
    deleteObject: store.deleteObject.bind(store),
    putObject: store.putObject.bind(store),
    copyObject: store.copyObject.bind(store),
    initiateUpload: store.initiateUpload.bind(store),
    putSubresource: store.putSubresource.bind(store),
  };
  store.getMetadata = async (bucket, key) => {
    if (!fitsOnDisk(key)) throw noSuchFile();
    return original.getMetadata(bucket, key);
  };
  store.getObject = async (bucket, key, options) =>
    fitsOnDisk(key) ? original.getObject(bucket, key, options) : null;
  store.existsObject = async (bucket, key) =>
    fitsOnDisk(key) ? original.existsObject(bucket, key) : false;
  store.deleteObject = async (bucket, key) => {
    if (fitsOnDisk(key)) await original.deleteObject(bucket, key);
  };
  store.putObject = async (object) => {
    if (!fitsOnDisk(object.key)) throw keyTooLong(object.key);
    return original.putObject(object);
  };
  store.copyObject = async (sourceBucket, sourceKey, targetBucket, targetKey, metadata) => {
    if (!isBucketName(sourceBucket) || !fitsOnDisk(sourceKey)) {
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', {
        Key: sourceKey.slice(0, 64),
      });
    }
    if (!fitsOnDisk(targetKey)) throw keyTooLong(targetKey);
    return original.copyObject(sourceBucket, sourceKey, targetBucket, targetKey, metadata);
  };
  store.initiateUpload = async (bucket, key, uploadId, metadata) => {
    if (!fitsOnDisk(key)) throw keyTooLong(key);
    return original.initiateUpload(bucket, key, uploadId, metadata);
  };
  store.putSubresource = async (bucket, key, resource) => {
    if (key !== undefined && !fitsOnDisk(key)) throw keyTooLong(key);
    return original.putSubresource(bucket, key, resource);
  };
};
