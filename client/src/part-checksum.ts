import { md5Base64 } from './md5.js';
import { readPart, type PartBody } from './source.js';

/**
 * What a PUT sends for `body`: the body as is, or, with checksum 'md5', its bytes read
 * once, hashed for Content-MD5 and sent exactly as hashed.
 */
export const checksummed = async (
  body: PartBody,
  checksum: 'md5' | false,
): Promise<{ body: PartBody; contentMd5?: string }> => {
  if (checksum !== 'md5') return { body };
  const bytes = await readPart(body);
  return { body: { kind: 'bytes', bytes }, contentMd5: md5Base64(bytes) };
};
