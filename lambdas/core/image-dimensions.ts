import { MAX_METADATA_BYTES } from './s3-limits.js';
import { metadataBytes } from './user-metadata.js';

/**
 * User metadata written on a confirmed image, `WIDTHxHEIGHT`, so that object-info tells its
 * size without a read. Written only while it fits in S3's 2 KiB beside the client's metadata
 * and the confirm marker (the client may use all but the marker's 64 bytes).
 */
export const DIMENSIONS_METADATA = 'draftstore-dimensions';

export const withDimensions = (
  metadata: Readonly<Record<string, string>>,
  findings: { readonly width?: number; readonly height?: number },
): Record<string, string> => {
  if (findings.width === undefined || findings.height === undefined) return { ...metadata };
  const withEntry = { ...metadata, [DIMENSIONS_METADATA]: `${findings.width}x${findings.height}` };
  return metadataBytes(withEntry) <= MAX_METADATA_BYTES ? withEntry : { ...metadata };
};

/** Width and height from a confirmed object's DIMENSIONS_METADATA, when it has one. */
export const storedDimensions = (
  metadata: Readonly<Record<string, string>>,
): { width?: number; height?: number } => {
  const match = /^(\d+)x(\d+)$/.exec(metadata[DIMENSIONS_METADATA] ?? '');
  return match ? { width: Number(match[1]), height: Number(match[2]) } : {};
};
