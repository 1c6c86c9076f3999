import { CONFIRMED_FROM_METADATA } from './confirmation-marker.js';
import { DraftError } from './errors.js';
import { unquote } from './etag.js';
import type { ObjectStore } from './object-store.js';
import type { LedgerRecord, Quota, Usage, UsageLedger } from './usage-ledger.js';

export interface UsageAccountsOptions {
  /** Where usage is kept. @default none: nothing is charged, usage is measured from main */
  readonly ledger?: UsageLedger;
  readonly store: ObjectStore;
  readonly mainBucket: string;
  /** The default quota of every owner (QUOTA_BYTES, QUOTA_OBJECTS); `null` is unlimited. */
  readonly defaults: Quota;
}

/** What an owner keeps in main, and the most they may. */
export interface UsageReport extends Usage {
  readonly quota: Quota;
}

/** What confirm charges for one draft: its name under the owner, its ETag and size. */
export interface DraftCharge {
  readonly name: string;
  readonly etag: string;
  readonly size: number;
}

const UNLIMITED: Quota = { bytes: null, objects: null };

/** How often a write that lost a race to the same record reads it again and retries. */
const MAX_ATTEMPTS = 8;

/**
 * Per-owner usage and quotas. The one place the ledger's rules live:
 *
 * - confirm charges a draft **before** copying it (`charge`), so a crash never leaves main
 *   holding more than the ledger counts; an overwrite is charged the larger of the old and
 *   new sizes until the copy is done (`settle` then lowers it to the new size);
 * - delete releases an object **after** removing it from main (`release`), and only the record
 *   of the very object it removed (by its confirmed-from ETag);
 * - a record is keyed by object name and holds the draft's ETag: a retried or racing confirm
 *   of the same draft finds its own record and charges nothing.
 *
 * So usage is never below what main holds; where a crash leaves it above, reconciliation
 * (usage-reconciler.ts) brings it back.
 */
export class UsageAccounts {
  readonly #ledger: UsageLedger | undefined;
  readonly #store: ObjectStore;
  readonly #main: string;
  readonly #defaults: Quota;

  constructor(options: UsageAccountsOptions) {
    this.#ledger = options.ledger;
    this.#store = options.store;
    this.#main = options.mainBucket;
    this.#defaults = options.defaults;
  }

  /** Whether a ledger keeps usage (and so whether quotas can hold). */
  get keeping(): boolean {
    return this.#ledger !== undefined;
  }

  /** The owner's quota: their overrides over the defaults. */
  async quotaOf(owner: string): Promise<Quota> {
    if (this.#ledger === undefined) return UNLIMITED;
    const overrides = await this.#ledger.overrides(owner);
    return {
      bytes: overrides.bytes !== undefined ? overrides.bytes : this.#defaults.bytes,
      objects: overrides.objects !== undefined ? overrides.objects : this.#defaults.objects,
    };
  }

  /** What the owner keeps in main and may keep. Without a ledger, measured from a listing. */
  async report(owner: string): Promise<UsageReport> {
    if (this.#ledger === undefined) return { ...(await this.measure(owner)), quota: UNLIMITED };
    const [usage, quota] = await Promise.all([this.#ledger.usage(owner), this.quotaOf(owner)]);
    return { bytes: Math.max(0, usage.bytes), objects: Math.max(0, usage.objects), quota };
  }

  /**
   * Refuses an upload early when its declared length cannot fit what is left of the quota
   * (upload-url, upload-form, multipart create). Confirm stays the authority: this only
   * saves a client an upload that confirm would refuse.
   */
  async admit(owner: string, name: string, declaredBytes: number | undefined): Promise<void> {
    const ledger = this.#ledger;
    if (ledger === undefined) return;
    const quota = await this.quotaOf(owner);
    if (quota.bytes === null && quota.objects === null) return;
    const [usage, existing] = await Promise.all([ledger.usage(owner), ledger.record(owner, name)]);
    const bytes = usage.bytes + (declaredBytes ?? 0) - (existing?.size ?? 0);
    const objects = usage.objects + (existing ? 0 : 1);
    refuseOver(quota, { bytes, objects }, usage);
  }

  /**
   * Charges a draft about to be copied into main: one transaction records it and adds it to
   * the usage, refused with `quota_exceeded` when it does not fit. A draft already charged
   * (a retried or racing confirm) is not charged again. Answers whether the charge must be
   * settled after the copy (an overwrite by a smaller object).
   */
  async charge(owner: string, draft: DraftCharge): Promise<{ settle: boolean }> {
    const ledger = this.#ledger;
    if (ledger === undefined) return { settle: false };
    const etag = unquote(draft.etag);
    const [quota, first] = await Promise.all([
      this.quotaOf(owner),
      ledger.record(owner, draft.name),
    ]);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = attempt === 0 ? first : await ledger.record(owner, draft.name);
      if (current?.etag === etag) return { settle: current.size > draft.size };
      // An overwrite keeps the larger size charged until the copy has replaced the object.
      const size = current ? Math.max(current.size, draft.size) : draft.size;
      const outcome = await ledger.change(
        owner,
        { name: draft.name, from: current, to: { size, etag } },
        quota,
      );
      if (outcome === 'applied') return { settle: size > draft.size };
      if (outcome === 'over_quota') {
        const usage = await ledger.usage(owner);
        refuseOver(
          quota,
          {
            bytes: usage.bytes + size - (current?.size ?? 0),
            objects: usage.objects + (current ? 0 : 1),
          },
          usage,
        );
        // The usage fell meanwhile (a delete): try again.
      }
    }
    throw contention();
  }

  /** After the copy: an overwrite's charge falls to the new object's size. */
  async settle(owner: string, draft: DraftCharge): Promise<void> {
    const ledger = this.#ledger;
    if (ledger === undefined) return;
    const etag = unquote(draft.etag);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await ledger.record(owner, draft.name);
      if (current?.etag !== etag || current.size <= draft.size) return;
      const outcome = await ledger.change(owner, {
        name: draft.name,
        from: current,
        to: { size: draft.size, etag },
      });
      if (outcome === 'applied') return;
    }
    // Left charged at the larger size: above what main holds, which reconciliation fixes.
  }

  /**
   * After an object was deleted from main: releases its record, if the record is still that
   * object's (`confirmedFrom`, its confirmed-from ETag). A record a newer confirm has taken
   * over stays: it charges the newer object.
   */
  async release(owner: string, name: string, confirmedFrom: string): Promise<void> {
    const ledger = this.#ledger;
    if (ledger === undefined) return;
    const etag = unquote(confirmedFrom);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const current = await ledger.record(owner, name);
      if (current?.etag !== etag) return;
      const outcome = await ledger.change(owner, { name, from: current, to: undefined });
      if (outcome === 'applied') return;
    }
    throw contention();
  }

  /** What main holds under the owner, by listing it page by page. */
  async measure(owner: string): Promise<Usage> {
    let bytes = 0;
    let objects = 0;
    for await (const page of this.mainPages(owner)) {
      for (const object of page) {
        bytes += object.size;
        objects += 1;
      }
    }
    return { bytes, objects };
  }

  /** Main's objects under the owner, a listing page at a time, by name. */
  async *mainPages(
    owner: string,
  ): AsyncIterable<readonly { name: string; key: string; size: number }[]> {
    const prefix = `${owner}/`;
    let continuationToken: string | undefined;
    do {
      const page = await this.#store.listPage({
        bucket: this.#main,
        prefix,
        ...(continuationToken !== undefined && { continuationToken }),
      });
      yield page.objects.map((object) => ({
        name: object.key.slice(prefix.length),
        key: object.key,
        size: object.size,
      }));
      continuationToken = page.truncated ? page.nextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }

  /** Main's object at `key`: its size and confirmed-from ETag, when it exists. */
  async mainObject(key: string): Promise<{ size: number; confirmedFrom?: string } | undefined> {
    const found = await this.#store.head(this.#main, key);
    if (found === undefined) return undefined;
    const confirmedFrom = found.metadata[CONFIRMED_FROM_METADATA];
    return { size: found.size, ...(confirmedFrom !== undefined && { confirmedFrom }) };
  }

  /** The owners that hold objects in main, a listing page at a time. */
  async *mainOwners(): AsyncIterable<readonly string[]> {
    let continuationToken: string | undefined;
    do {
      const page = await this.#store.listPage({
        bucket: this.#main,
        delimiter: '/',
        ...(continuationToken !== undefined && { continuationToken }),
      });
      yield page.prefixes.map((prefix) => prefix.slice(0, -1));
      continuationToken = page.truncated ? page.nextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }
}

/** Throws `quota_exceeded` when `after` passes the quota. */
const refuseOver = (quota: Quota, after: Usage, before: Usage): void => {
  if (quota.bytes !== null && after.bytes > quota.bytes && after.bytes > before.bytes) {
    throw new DraftError(
      'quota_exceeded',
      `This would keep ${after.bytes} bytes, over the owner's quota of ${quota.bytes} bytes (${Math.max(0, quota.bytes - before.bytes)} left).`,
    );
  }
  if (quota.objects !== null && after.objects > quota.objects && after.objects > before.objects) {
    throw new DraftError(
      'quota_exceeded',
      `This would keep ${after.objects} objects, over the owner's quota of ${quota.objects} objects.`,
    );
  }
};

const contention = (): DraftError =>
  new DraftError(
    'conflict',
    'The object changed again and again while its usage was recorded; try again.',
  );

export type { LedgerRecord };
