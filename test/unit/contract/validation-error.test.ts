import { uploadUrlRequest } from '../../../lambdas/contract/requests.js';
import { describeValidationError } from '../../../lambdas/contract/validation-error.js';

// A 400's message echoes the client's field names, and is logged as well: a hostile body
// (one 60 KB key, thousands of unknown fields) must not come back or be logged whole.

const messageFor = (body: unknown): string => {
  const parsed = uploadUrlRequest.safeParse(body);
  if (parsed.success) throw new Error('the body was accepted');
  return describeValidationError(parsed.error);
};

describe('validation messages echo bounded field names', () => {
  it('cuts a huge invalid metadata key', () => {
    const message = messageFor({ object_name: 'a.txt', metadata: { ['A'.repeat(60_000)]: 'x' } });
    expect(message).toMatch(/^metadata\.A+…: keys must be 1 to 64 lowercase/);
    expect(message.length).toBeLessThan(200);
  });

  it('cuts a huge unknown field name', () => {
    const message = messageFor({ object_name: 'a.txt', ['z'.repeat(60_000)]: 1 });
    expect(message).toMatch(/^unknown field "z+…"$/);
    expect(message.length).toBeLessThan(200);
  });

  it('names a few of many unknown fields, and how many more there are', () => {
    const extra = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, 1]));
    const message = messageFor({ object_name: 'a.txt', ...extra });
    expect(message).toBe('unknown fields "f0", "f1", "f2", "f3", "f4" and 4995 more');
  });

  it('keeps short names whole (the control case)', () => {
    expect(messageFor({ object_name: 'a.txt', colour: 'red', size: 1 })).toBe(
      'unknown fields "colour", "size"',
    );
    expect(messageFor({ object_name: 'a.txt', metadata: { Upper: 'x' } })).toMatch(
      /^metadata\.Upper: keys must/,
    );
  });
});
