/**
 * S3's documented limits. Everything that checks a request against them, plans parts or
 * pages by them, or bounds a setting by them reads them from here; S3-compatible stores
 * (Ceph RGW, MinIO, the embedded store) keep the same ones.
 */

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;

/** The largest object one PUT (or one POST form) carries. */
export const MAX_SINGLE_PUT_BYTES = 5 * GIB;
/** The largest object one CopyObject copies; larger ones are copied in parts (UploadPartCopy). */
export const MAX_SINGLE_COPY_BYTES = 5 * GIB;
/** The largest object S3 stores at all: a multipart upload of 5 TiB. */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 4;

/** The smallest part of a multipart upload, for every part but the last. */
export const MIN_PART_BYTES = 5 * MIB;
/** The largest part of a multipart upload. */
export const MAX_PART_BYTES = 5 * GIB;
/** The most parts one multipart upload has (part numbers 1 to this). */
export const MAX_PART_COUNT = 10_000;

/** The longest key, counted in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** The most user metadata one object carries: the UTF-8 bytes of every key and value. */
export const MAX_METADATA_BYTES = 2048;

/** The most keys one DeleteObjects request takes. */
export const MAX_KEYS_PER_DELETE = 1000;
/** The most entries one listing page returns: ListObjectsV2's MaxKeys, ListParts' max-parts. */
export const MAX_KEYS_PER_LIST_PAGE = 1000;

/** The longest a SigV4 presigned URL lives: seven days (and never past its credentials). */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
