import {
  addressKey,
  rateSubject,
  rateWindowAt,
  retryAfterSeconds,
} from '../../../lambdas/core/rate-window.js';

describe('rate windows', () => {
  it('are the whole clock minute a moment falls in', () => {
    const window = rateWindowAt('write', { owner: 'alice' }, new Date('2026-12-07T21:30:59.999Z'));
    const start = Date.parse('2026-12-07T21:30:00Z') / 1000;
    expect(window).toEqual({
      rateClass: 'write',
      subject: { owner: 'alice' },
      start,
      end: start + 60,
    });
    expect(rateWindowAt('write', { owner: 'alice' }, new Date('2026-12-07T21:31:00Z')).start).toBe(
      start + 60,
    );
  });

  it('tell a refused caller to wait until the window ends, at least one second', () => {
    const window = rateWindowAt('read', { owner: 'alice' }, new Date('2026-12-07T21:30:00Z'));
    expect(retryAfterSeconds(window, new Date('2026-12-07T21:30:00Z'))).toBe(60);
    expect(retryAfterSeconds(window, new Date('2026-12-07T21:30:42.100Z'))).toBe(18);
    expect(retryAfterSeconds(window, new Date('2026-12-07T21:30:59.999Z'))).toBe(1);
    // A slow answer that outlived its window still waits a second, never 0 or less.
    expect(retryAfterSeconds(window, new Date('2026-12-07T21:31:05Z'))).toBe(1);
  });
});

describe('whose count a request is', () => {
  it('is the owner for an authenticated caller, wherever it calls from', () => {
    expect(rateSubject({ owner: 'alice' }, '203.0.113.7')).toEqual({ owner: 'alice' });
    expect(rateSubject({ owner: 'sha256:ab12' }, undefined)).toEqual({ owner: 'sha256:ab12' });
  });

  it('is the source address for an anonymous caller', () => {
    expect(rateSubject({ owner: 'anonymous' }, '203.0.113.7')).toEqual({ address: '203.0.113.7' });
    expect(rateSubject({ owner: 'anonymous' }, '::ffff:203.0.113.8')).toEqual({
      address: '203.0.113.8',
    });
  });

  it('takes an IPv4-mapped IPv6 address as its IPv4 (a dual-stack socket reports those)', () => {
    expect(addressKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(addressKey('::FFFF:198.51.100.2')).toBe('198.51.100.2');
  });

  it('counts IPv6 by its /64, however the address is written', () => {
    const subject = '2001:db8:0:1::/64';
    expect(addressKey('2001:db8:0:1::1')).toBe(subject);
    expect(addressKey('2001:0DB8:0000:0001:ffff:ffff:ffff:ffff')).toBe(subject);
    expect(addressKey('2001:db8::1:0:0:0:5')).toBe(subject);
    expect(addressKey('2001:db8:0:2::1')).not.toBe(subject);
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('keeps an address it cannot read as it is, and an unknown one under one name', () => {
    expect(addressKey('not:an::address::x')).toBe('not:an::address::x');
    expect(addressKey(undefined)).toBe('unknown');
    expect(addressKey('')).toBe('unknown');
  });
});
