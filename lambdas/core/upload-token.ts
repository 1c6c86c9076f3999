import { createHmac, timingSafeEqual } from 'node:crypto';
import { DraftError } from './errors.js';
import type { SigningKeySource } from './signing-key.js';
import { MIN_SIGNING_KEY_BYTES } from './signing-key.js';

/**
 * What the server needs between the calls of one multipart upload. The client carries
 * it as `upload_token`; the HMAC makes every field trustworthy when it comes back.
 */
export interface UploadClaims {
  /** The owner segment of the caller that created the upload. */
  readonly owner: string;
  /** The full key, `<owner>/<object name>`. */
  readonly key: string;
  readonly uploadId: string;
  /** A random value also stored in the upload's metadata (UPLOAD_MARKER_METADATA). */
  readonly marker: string;
  /** The declared total length in bytes. */
  readonly contentLength: number;
  readonly partSize: number;
  readonly contentType?: string;
  /**
   * Started without a length (the Companion-compatible routes): `contentLength` and
   * `partSize` are 0, parts are not length-bound, and the size is checked at complete.
   */
  readonly unsized?: true;
  /** After this the token is refused (and the sweep may abort the upload). */
  readonly expiresAt: Date;
}

/** A version prefix in the MAC input, so a token can never pass for another kind of signed text. */
const CONTEXT = 'draftstore/multipart-upload-token/v1\n';

interface Payload {
  o: string;
  k: string;
  u: string;
  m: string;
  l: number;
  p: number;
  t?: string;
  n?: 1;
  e: number;
}

const forbidden = (message: string) => new DraftError('forbidden', message);

const isPayload = (value: unknown): value is Payload => {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.o === 'string' &&
    typeof p.k === 'string' &&
    typeof p.u === 'string' &&
    typeof p.m === 'string' &&
    Number.isSafeInteger(p.l) &&
    Number.isSafeInteger(p.p) &&
    Number.isSafeInteger(p.e) &&
    (p.t === undefined || typeof p.t === 'string') &&
    (p.n === undefined || p.n === 1)
  );
};

/**
 * Signs and verifies upload tokens: `<base64url JSON claims>.<base64url HMAC-SHA256>`.
 * Verification checks the MAC in constant time, then the expiry; the caller then checks
 * that owner, key and upload id are the ones of the request (see MultipartService).
 */
export class UploadTokens {
  readonly #keys: SigningKeySource;
  readonly #clock: () => Date;

  constructor(keys: SigningKeySource, clock: () => Date = () => new Date()) {
    this.#keys = keys;
    this.#clock = clock;
  }

  async sign(claims: UploadClaims): Promise<string> {
    const payload: Payload = {
      o: claims.owner,
      k: claims.key,
      u: claims.uploadId,
      m: claims.marker,
      l: claims.contentLength,
      p: claims.partSize,
      ...(claims.contentType !== undefined && { t: claims.contentType }),
      ...(claims.unsized && { n: 1 as const }),
      e: Math.floor(claims.expiresAt.getTime() / 1000),
    };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${(await this.#mac(body)).toString('base64url')}`;
  }

  /** The token's claims; `forbidden` when it is malformed, forged, altered or expired. */
  async verify(token: string): Promise<UploadClaims> {
    const [body, mac, ...rest] = token.split('.');
    if (body === undefined || mac === undefined || rest.length > 0 || body === '') {
      throw forbidden('upload_token: not an upload token issued by this service.');
    }
    const expected = await this.#mac(body);
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw forbidden('upload_token: the signature does not match; the token was altered.');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      payload = undefined;
    }
    if (!isPayload(payload)) {
      throw forbidden('upload_token: not an upload token issued by this service.');
    }
    const expiresAt = new Date(payload.e * 1000);
    if (expiresAt.getTime() <= this.#clock().getTime()) {
      throw forbidden(
        `upload_token: expired at ${expiresAt.toISOString()}; start a new multipart upload.`,
      );
    }
    return {
      owner: payload.o,
      key: payload.k,
      uploadId: payload.u,
      marker: payload.m,
      contentLength: payload.l,
      partSize: payload.p,
      ...(payload.t !== undefined && { contentType: payload.t }),
      ...(payload.n === 1 && { unsized: true as const }),
      expiresAt,
    };
  }

  /**
   * Starts reading the key without waiting for it, so that a cold start's key fetch overlaps
   * the store call ahead of the first `sign`. A failure is left to that `sign` to report:
   * key sources do not cache a failed read.
   */
  prefetchKey(): void {
    this.#keys.key().catch(() => undefined);
  }

  async #mac(body: string): Promise<Buffer> {
    const key = await this.#keys.key();
    if (key.length < MIN_SIGNING_KEY_BYTES) {
      throw new DraftError('internal', 'The upload token signing key is too short.');
    }
    return createHmac('sha256', key).update(CONTEXT).update(body).digest();
  }
}
