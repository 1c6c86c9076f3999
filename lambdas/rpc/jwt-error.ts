/** A token that is missing, malformed, badly signed, expired or meant for someone else. */
export class JwtError extends Error {
  override readonly name = 'JwtError';
}
