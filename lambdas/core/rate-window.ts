import type { Caller } from './caller.js';
import { ANONYMOUS_OWNER } from './object-name.js';

/**
 * Which per-minute limit an operation counts against: `write` (RATE_LIMIT_PER_MINUTE: what
 * mints upload URLs or starts work) or `read` (READ_RATE_LIMIT_PER_MINUTE). Each operation
 * declares its class once, in its spec (lambdas/contract/operations); `none` is uncounted.
 */
export type RateClass = 'write' | 'read';

/** What an operation declares: its class, or `none`. */
export type RateLimitClass = RateClass | 'none';

/**
 * Every limit is per minute, counted in fixed windows aligned to the clock's minutes: a
 * window admits exactly its limit, and a burst that straddles a boundary can get up to twice
 * the limit within any 60 seconds (the documented tolerance, docs/quotas.md#rate-limits).
 */
export const RATE_WINDOW_SECONDS = 60;

/**
 * Whose count a request is (rateSubject): an authenticated caller's owner segment, or an
 * anonymous caller's address (addressKey).
 */
export type RateSubject = { readonly owner: string } | { readonly address: string };

/** One caller's count in one class for one window. */
export interface RateWindow {
  readonly rateClass: RateClass;
  readonly subject: RateSubject;
  /** Its first second, in seconds since the epoch (a multiple of RATE_WINDOW_SECONDS). */
  readonly start: number;
  /** The first second after it. */
  readonly end: number;
}

/**
 * The window `now` falls in. Its start is the whole minute, so every process (every warm
 * Lambda) agrees on it without talking to another.
 */
export const rateWindowAt = (rateClass: RateClass, subject: RateSubject, now: Date): RateWindow => {
  const seconds = Math.floor(now.getTime() / 1000);
  const start = seconds - (seconds % RATE_WINDOW_SECONDS);
  return { rateClass, subject, start, end: start + RATE_WINDOW_SECONDS };
};

/**
 * How long a refused caller waits: until its window ends, in whole seconds, at least one
 * (Retry-After takes whole seconds, and 0 would invite an immediate retry).
 */
export const retryAfterSeconds = (window: RateWindow, now: Date): number =>
  Math.max(1, Math.ceil(window.end - now.getTime() / 1000));

/** The groups of an IPv6 address, eight numbers; undefined when it is not one. */
const ipv6Groups = (address: string): number[] | undefined => {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return groups.map((group) => parseInt(group, 16));
};

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The address an anonymous caller's count is kept under. IPv4 is the address itself (an
 * IPv4-mapped IPv6 address is its IPv4). IPv6 is its /64 prefix: one subscriber holds a whole
 * /64 and could otherwise take a fresh count from every address in it. An address the edge
 * did not report is `unknown`: all such callers share one count.
 */
export const addressKey = (sourceIp: string | undefined): string => {
  const address = sourceIp?.trim().toLowerCase() ?? '';
  if (address === '') return 'unknown';
  const mapped = IPV4_MAPPED.exec(address)?.[1];
  if (mapped !== undefined) return mapped;
  if (!address.includes(':')) return address;
  const groups = ipv6Groups(address.split('%')[0]!);
  if (groups === undefined) return address;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
};

/**
 * Whose count a request is: an authenticated caller's owner, wherever it calls from; an
 * anonymous caller's source address (all anonymous callers share one owner segment).
 */
export const rateSubject = (caller: Caller, sourceIp: string | undefined): RateSubject =>
  caller.owner === ANONYMOUS_OWNER ? { address: addressKey(sourceIp) } : { owner: caller.owner };
