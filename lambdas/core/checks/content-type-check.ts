import { DraftError } from '../errors.js';
import type { ConfirmCheck, DraftUnderCheck, Findings } from './confirm-check.js';
import { agreement } from './type-agreement.js';

/** Tells what type a draft's first bytes are. */
export interface ContentSniffer {
  /**
   * A signature's type (`image/png`), a markup type (`text/html`, `image/svg+xml`,
   * `application/xhtml+xml`), `text/xml`, `text/plain` for text with no signature, or
   * undefined for binary bytes with no known signature.
   */
  sniff(head: Uint8Array): Promise<string | undefined>;
  /** Whether a type has a signature this sniffer knows (so its absence is telling). */
  recognises(type: string): boolean;
}

const MESSAGES = {
  executable: (declared: string, found: string) =>
    `The draft is declared ${declared} but is an executable (${found}); executables are never confirmed.`,
  markup: (declared: string, found: string) =>
    `The draft is declared ${declared} but is markup a browser would run (${found}).`,
  mismatch: (declared: string, found: string) =>
    `The draft is declared ${declared} but its bytes are ${found}.`,
} as const;

/** Refuses a draft whose bytes are not what its stored Content-Type says (`type_mismatch`). */
export const contentTypeCheck = (sniffer: ContentSniffer): ConfirmCheck => ({
  name: 'content-type',
  async inspect(draft: DraftUnderCheck): Promise<Findings> {
    const detected = await sniffer.sniff(await draft.head());
    const declared = draft.declaredType;
    const verdict = agreement(
      declared,
      detected,
      declared !== undefined && sniffer.recognises(declared),
    );
    if (!verdict.agrees) {
      throw new DraftError(
        'content_rejected',
        MESSAGES[verdict.why](declared ?? 'without a type', detected ?? 'of no known type'),
        { reason: 'type_mismatch', ...(detected !== undefined && { detectedType: detected }) },
      );
    }
    return detected === undefined ? {} : { detectedType: detected };
  },
});
