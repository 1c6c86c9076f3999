import type { MAX_PARTS_PER_SIGN as SERVER_MAX_PARTS_PER_SIGN } from '../../lambdas/core/part-plan.js';
import type { Api } from './api.js';
import { checkSigned } from './answers.js';
import { DraftStoreError } from './errors.js';
import type {
  MultipartSignPartsRequest,
  MultipartSignPartsResponse,
  MultipartUploadRef,
} from './wire.js';

/** The server signs at most this many parts per call (the build checks it is the server's). */
export const MAX_PARTS_PER_SIGN = 100 satisfies typeof SERVER_MAX_PARTS_PER_SIGN;
/** A URL this close to its expiry is signed again rather than risked. */
const EXPIRY_MARGIN_MS = 30_000;

export interface SignedPart {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly expiresAt: number;
  readonly signedAt: number;
}

/**
 * Hands out part URLs. Without checksums it signs ahead in batches (one API call per
 * 100 parts, shared by the workers that wait on it); with an MD5 the URL depends on the
 * part's bytes, so that part is signed on its own once they are hashed.
 */
export class PartSigner {
  private readonly signed = new Map<number, SignedPart>();
  private readonly inFlight = new Map<number, Promise<void>>();

  constructor(
    private readonly api: Api,
    private readonly upload: MultipartUploadRef,
    /** The parts still to send, in order: what a batch signs ahead. */
    private readonly wanted: readonly number[],
    private readonly now: () => number,
    private readonly signal?: AbortSignal,
  ) {}

  async get(part: number, contentMd5?: string): Promise<SignedPart> {
    if (contentMd5 !== undefined) {
      const answer = await this.sign([part], { [String(part)]: contentMd5 });
      return this.toSigned(answer, part);
    }
    if (!this.isStale(part)) return this.signed.get(part) as SignedPart;
    await (this.inFlight.get(part) ?? this.signBatchFrom(part));
    // A URL just signed is used even when the API's TTL is shorter than the margin.
    const fresh = this.signed.get(part);
    if (fresh) return fresh;
    await this.signBatchFrom(part);
    return this.signed.get(part) as SignedPart;
  }

  /** Forgets a URL the store called expired, so the next get signs it again. */
  invalidate(part: number): void {
    this.signed.delete(part);
  }

  private isStale(part: number): boolean {
    const cached = this.signed.get(part);
    if (!cached) return true;
    const margin = Math.min(EXPIRY_MARGIN_MS, (cached.expiresAt - cached.signedAt) / 2);
    return cached.expiresAt - this.now() <= margin;
  }

  private signBatchFrom(part: number): Promise<void> {
    const start = Math.max(0, this.wanted.indexOf(part));
    const batch = [part];
    for (let i = start; i < this.wanted.length && batch.length < MAX_PARTS_PER_SIGN; i++) {
      const candidate = this.wanted[i] as number;
      if (candidate !== part && this.isStale(candidate) && !this.inFlight.has(candidate)) {
        batch.push(candidate);
      }
    }
    const work = this.sign(batch).then((answer) => {
      for (const number of batch) this.signed.set(number, this.toSigned(answer, number));
    });
    const tracked = work.finally(() => {
      for (const number of batch)
        if (this.inFlight.get(number) === tracked) this.inFlight.delete(number);
    });
    for (const number of batch) this.inFlight.set(number, tracked);
    return tracked;
  }

  private async sign(
    parts: number[],
    contentMd5?: Record<string, string>,
  ): Promise<MultipartSignPartsResponse> {
    const request: MultipartSignPartsRequest = {
      ...this.upload,
      part_numbers: parts,
      ...(contentMd5 && { content_md5: contentMd5 }),
    };
    return checkSigned(
      await this.api.post<MultipartSignPartsResponse>(
        '/api/v1/multipart/sign-parts',
        request,
        this.signal,
      ),
    );
  }

  private toSigned(answer: MultipartSignPartsResponse, part: number): SignedPart {
    const entry = answer.parts.find((candidate) => candidate.part_number === part);
    if (!entry) {
      throw new DraftStoreError(
        502,
        'invalid_response',
        `sign-parts returned no URL for part ${part}.`,
      );
    }
    return {
      url: entry.url,
      headers: entry.headers,
      expiresAt: Date.parse(answer.expires_at),
      signedAt: this.now(),
    };
  }
}
