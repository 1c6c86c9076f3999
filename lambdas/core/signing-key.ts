/**
 * The port for the HMAC key that signs multipart upload tokens. In AWS it is a Secrets
 * Manager secret the stack creates; locally a file generated once under the data folder.
 * Implementations fetch the key once and reuse it: it is asked for on every call.
 */
export interface SigningKeySource {
  /** The key bytes (at least 32). Rejects when the key cannot be read. */
  key(): Promise<Uint8Array>;
}

/** Keys shorter than this would make the HMAC guessable; adapters refuse them. */
export const MIN_SIGNING_KEY_BYTES = 32;
