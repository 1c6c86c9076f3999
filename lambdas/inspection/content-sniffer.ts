import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type';
import type { ContentSniffer } from '../core/checks/content-type-check.js';
import { isShebang, looksLikeText, sniffMarkup } from './whatwg-patterns.js';

/** Types file-type reports for text it recognises by a leading string; the WHATWG rules decide those. */
const TEXT_SIGNATURES = new Set(['application/xml']);

/**
 * Magic numbers by `file-type` (the signatures of binary formats), then the WHATWG rules
 * for what has none: markup, scripts, text. Markup goes first so that XML is told apart
 * from SVG and XHTML.
 */
export const contentSniffer: ContentSniffer = {
  async sniff(head) {
    const markup = sniffMarkup(head);
    if (markup !== undefined && markup !== 'text/xml') return markup;
    if (isShebang(head)) return 'text/x-shellscript';
    const signature = head.length === 0 ? undefined : await fileTypeFromBuffer(head);
    if (signature !== undefined && !TEXT_SIGNATURES.has(signature.mime)) return signature.mime;
    if (markup !== undefined) return markup;
    return looksLikeText(head) ? 'text/plain' : undefined;
  },
  recognises: (type) =>
    (supportedMimeTypes as ReadonlySet<string>).has(type) && !TEXT_SIGNATURES.has(type),
};
