/**
 * The usage ledger port: per owner, what is confirmed into main (bytes and objects), one
 * record per object name, and the owner's quota overrides. The DynamoDB adapter is
 * lambdas/storage/dynamodb-usage-ledger.ts; the rules live in usage-accounts.ts.
 *
 * Invariant kept by every write: an owner's usage is the sum of their records (each write
 * changes a record and the usage in one transaction).
 */

/** Bytes and objects. */
export interface Usage {
  readonly bytes: number;
  readonly objects: number;
}

/** The most an owner may keep; `null` is unlimited. */
export interface Quota {
  readonly bytes: number | null;
  readonly objects: number | null;
}

/** An owner's per-owner overrides; an absent field falls back to the default. */
export type QuotaOverrides = { readonly [K in keyof Quota]?: number | null };

/** What the ledger holds for one object name. */
export interface LedgerRecord {
  /** The bytes charged: the object's size, or more while an overwrite is in flight. */
  readonly size: number;
  /** The ETag of the draft whose confirm wrote it (unquoted): main's confirmed-from marker. */
  readonly etag: string;
  /** When it was last written. */
  readonly updatedAt: Date;
}

/** A record's replacement: `to` undefined removes it. */
export interface RecordChange {
  readonly name: string;
  /** What the record must still be (undefined: absent) for the change to apply. */
  readonly from: LedgerRecord | undefined;
  readonly to: Omit<LedgerRecord, 'updatedAt'> | undefined;
}

export type ChangeOutcome =
  /** Applied, with the usage changed by the difference. */
  | 'applied'
  /** The record was no longer `from`: someone else changed it first. Read it again. */
  | 'stale'
  /** Applying it would take usage over the quota. */
  | 'over_quota';

export interface UsageLedger {
  usage(owner: string): Promise<Usage>;
  overrides(owner: string): Promise<QuotaOverrides>;
  setOverrides(owner: string, overrides: QuotaOverrides): Promise<void>;
  record(owner: string, name: string): Promise<LedgerRecord | undefined>;
  /**
   * Changes one record and adds the difference to the usage, in one transaction. With a
   * `quota`, refuses ('over_quota') when the usage would grow past it; shrinking is never
   * refused.
   */
  change(owner: string, change: RecordChange, quota?: Quota): Promise<ChangeOutcome>;
  /** Adds `delta` to the usage alone (reconciliation of the usage against its records). */
  adjust(owner: string, delta: Usage): Promise<void>;
  /** The owner's records in pages, by name; the whole listing is never held at once. */
  records(owner: string): AsyncIterable<readonly (LedgerRecord & { readonly name: string })[]>;
  /** The records of these names (at most 100), by name. */
  recordsOf(owner: string, names: readonly string[]): Promise<ReadonlyMap<string, LedgerRecord>>;
  /** Every owner with usage, in pages. */
  owners(): AsyncIterable<readonly string[]>;
}
