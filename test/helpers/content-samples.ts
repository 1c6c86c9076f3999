import { deflateSync } from 'node:zlib';

/** Bytes of each kind confirm's checks tell apart, built here (no fixtures to keep in sync). */

const crc32 = (bytes: Uint8Array): number => {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
};

const pngChunk = (type: string, data: Uint8Array): Buffer => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
};

/** A valid PNG of any size: one grey row repeated (the pixels compress to almost nothing). */
export const png = (width: number, height: number): Buffer => {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = height <= 256 ? deflateSync(Buffer.alloc((width + 1) * height, 0)) : Buffer.alloc(0);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', rows),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
};

/**
 * A baseline JPEG header of the given size, with `padding` bytes of APP1 (EXIF-like) data
 * before the SOF: a large padding puts the dimensions past the first read.
 */
export const jpeg = (width: number, height: number, padding = 0): Buffer => {
  const segments: Buffer[] = [Buffer.from([0xff, 0xd8])];
  segments.push(
    Buffer.concat([
      Buffer.from([0xff, 0xe0, 0x00, 0x10]),
      Buffer.from('JFIF\0', 'latin1'),
      Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ]),
  );
  let left = padding;
  while (left > 0) {
    const size = Math.min(left, 65_000);
    const segment = Buffer.alloc(4 + size);
    segment.set([0xff, 0xe1]);
    segment.writeUInt16BE(size + 2, 2);
    segments.push(segment);
    left -= size;
  }
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01, 0x01, 0x11, 0x00]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  segments.push(sof, Buffer.from([0xff, 0xd9]));
  return Buffer.concat(segments);
};

const box = (type: string, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
};

const u32 = (...values: number[]): Buffer => {
  const out = Buffer.alloc(4 * values.length);
  values.forEach((value, index) => out.writeUInt32BE(value, 4 * index));
  return out;
};

/** An AVIF header: ftyp, then meta → iprp → ipco → ispe (the image's spatial extent). */
export const avif = (width: number, height: number): Buffer =>
  Buffer.concat([
    box('ftyp', Buffer.from('avif', 'latin1'), u32(0), Buffer.from('avifmif1', 'latin1')),
    box('meta', u32(0), box('iprp', box('ipco', box('ispe', u32(0, width, height))))),
  ]);

/** An extended WebP header (VP8X): 24-bit little-endian width - 1 and height - 1. */
export const webp = (width: number, height: number): Buffer => {
  const chunk = Buffer.alloc(18);
  chunk.write('VP8X', 0, 'latin1');
  chunk.writeUInt32LE(10, 4);
  chunk.writeUIntLE(width - 1, 12, 3);
  chunk.writeUIntLE(height - 1, 15, 3);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + chunk.length, 4);
  riff.write('WEBP', 8, 'latin1');
  return Buffer.concat([riff, chunk]);
};

/** A GIF header of the given size (logical screen descriptor only). */
export const gif = (width: number, height: number): Buffer => {
  const out = Buffer.from('GIF89a\0\0\0\0\0\0\0;', 'latin1');
  out.writeUInt16LE(width, 6);
  out.writeUInt16LE(height, 8);
  return out;
};

const zip = (): Buffer => {
  const name = Buffer.from('word/document.xml', 'latin1');
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(name.length, 26);
  return Buffer.concat([header, name]);
};

/** The EICAR anti-virus test file: harmless, detected by every scanner as a test virus. */
export const EICAR = Buffer.from(
  'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*',
  'latin1',
);

export const SAMPLES = {
  png: png(2, 2),
  jpeg: jpeg(3, 2),
  gif: gif(2, 2),
  pdf: Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n', 'latin1'),
  zip: zip(),
  docxType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  exe: Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(62, 0), Buffer.alloc(64, 0x90)]),
  elf: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56, 0)]),
  shebang: Buffer.from('#!/bin/sh\nrm -rf /tmp/x\n', 'latin1'),
  text: Buffer.from('Hello, world.\nA second line.\n', 'utf8'),
  json: Buffer.from('{"hello": ["world", 1, true]}\n', 'utf8'),
  csv: Buffer.from('name,size\nreport.pdf,52431\n', 'utf8'),
  html: Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>', 'utf8'),
  shoutedHtml: Buffer.from('\n\t  <SCRIPT>alert(1)</SCRIPT>', 'utf8'),
  svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
  xmlSvg: Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
  xml: Buffer.from('<?xml version="1.0"?>\n<note><to>Alice</to></note>\n'),
  xmlScript: Buffer.from('<?xml version="1.0"?>\n<a><script>alert(1)</script></a>\n'),
  binary: Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16]),
};
