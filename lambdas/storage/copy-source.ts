/**
 * CopySource is `bucket/key`, URL-encoded. Encoding each segment keeps the `/`s and
 * makes spaces, `+`, `#`, `?`, `%` and non-ASCII name the right object.
 */
export const copySource = (bucket: string, key: string): string =>
  `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;

/**
 * The copy source of an UploadPartCopy. Ceph RGW 16.2 URL-decodes it twice (CopyObject's
 * once), so for such stores the key is encoded twice: `%7C` must reach it as `%25257C`.
 * Encoded only once, a key holding `%` names another object there (404), and one whose
 * first decoding leaves a malformed escape (`100% sure`) aborts the radosgw process.
 */
export const partCopySource = (bucket: string, key: string, decodedTwice: boolean): string =>
  decodedTwice
    ? `${bucket}/${key
        .split('/')
        .map((segment) => encodeURIComponent(encodeURIComponent(segment)))
        .join('/')}`
    : copySource(bucket, key);
