/** An ETag without the quotes S3 puts around it: how DraftStore answers and records ETags. */
export const unquote = (etag: string): string => etag.replace(/^"|"$/g, '');
