import { nodeOnly } from './node-only.js';

/**
 * What `upload` reads from: a File or Blob (browsers and Node), or a path (Node only,
 * opened by node-source.ts). `slice` returns what a transport sends for a byte range.
 */
export interface UploadSource {
  /** The file name, for the default object name and the resume fingerprint. */
  readonly name: string;
  readonly size: number;
  /** Modification time in ms, part of the resume fingerprint; 0 when unknown. */
  readonly lastModified: number;
  readonly type: string;
  slice(start: number, end: number): PartBody;
  close?(): Promise<void>;
}

/** A byte range: a Blob (sent as is by XHR and fetch) or a file range (streamed by Node). */
export type PartBody =
  | { readonly kind: 'blob'; readonly blob: Blob }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'file'; readonly path: string; readonly start: number; readonly end: number };

export const partLength = (body: PartBody): number =>
  body.kind === 'blob'
    ? body.blob.size
    : body.kind === 'bytes'
      ? body.bytes.length
      : body.end - body.start;

export const blobSource = (blob: Blob, name?: string): UploadSource => {
  const file = blob as Partial<File>;
  return {
    name: name ?? file.name ?? 'blob',
    size: blob.size,
    lastModified: file.lastModified ?? 0,
    type: blob.type,
    slice: (start, end) => ({ kind: 'blob', blob: blob.slice(start, end) }),
  };
};

/** The bytes of a range, for hashing it (checksum: 'md5'). */
export const readPart = async (body: PartBody): Promise<Uint8Array> => {
  if (body.kind === 'bytes') return body.bytes;
  if (body.kind === 'blob') return new Uint8Array(await body.blob.arrayBuffer());
  const { readRange } = await nodeOnly<typeof import('./file-range.js')>('./file-range.js');
  return readRange(body.path, body.start, body.end);
};
