import { DraftError } from '../../../lambdas/core/errors.js';
import { checkUserMetadata } from '../../../lambdas/core/user-metadata.js';

// draft.v1 hands its metadata map straight to the domain: a hostile key must not be
// echoed whole in the invalid_argument message (nor in the log line that records it).

const messageFor = (metadata: Record<string, string>): string => {
  try {
    checkUserMetadata(metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(DraftError);
    return (error as DraftError).message;
  }
  throw new Error('the metadata was accepted');
};

describe('checkUserMetadata messages', () => {
  it.each([
    ['a 60 KB key of capitals', 'A'.repeat(60_000)],
    ['a 60 KB lowercase key', 'a'.repeat(60_000)],
    ['a 60 KB reserved key', `draftstore-${'a'.repeat(60_000)}`],
  ])('names %s by its first 64 characters', (_, key) => {
    const message = messageFor({ [key]: 'x' });
    expect(message.startsWith(`metadata.${key.slice(0, 64)}…: `)).toBe(true);
    expect(message.length).toBeLessThan(200);
  });

  it('names a short bad key whole (the control case)', () => {
    expect(messageFor({ Upper: 'x' })).toMatch(/^metadata\.Upper: keys must be/);
  });
});
