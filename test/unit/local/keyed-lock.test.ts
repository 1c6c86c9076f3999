import { withKeyLock } from '../../../local/keyed-lock.js';

describe('withKeyLock', () => {
  it('runs the work of one key one at a time, in arrival order', async () => {
    // Prepare
    const events: string[] = [];
    const work = (name: string, pause: number) => async () => {
      events.push(`${name} starts`);
      await new Promise((wake) => setTimeout(wake, pause));
      events.push(`${name} ends`);
    };

    // Act
    await Promise.all([
      withKeyLock('k', work('first', 20)),
      withKeyLock('k', work('second', 0)),
      withKeyLock('other', work('other key', 0)),
    ]);

    // Assess: another key does not wait; the same key does, in order.
    expect(events.filter((event) => !event.startsWith('other'))).toEqual([
      'first starts',
      'first ends',
      'second starts',
      'second ends',
    ]);
    expect(events.indexOf('other key ends')).toBeLessThan(events.indexOf('first ends'));
  });

  it('lets work that holds the key take it again instead of waiting for itself', async () => {
    const answer = await withKeyLock('k', () => withKeyLock('k', async () => 'nested'));
    expect(answer).toBe('nested');
  });

  it('releases the key when the work fails', async () => {
    await expect(
      withKeyLock('k', async () => {
        throw new Error('failed');
      }),
    ).rejects.toThrow('failed');
    await expect(withKeyLock('k', async () => 'next')).resolves.toBe('next');
  });
});
