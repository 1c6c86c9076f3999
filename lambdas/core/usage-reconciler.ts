import type { UsageAccounts } from './usage-accounts.js';
import type { LedgerRecord, Usage, UsageLedger } from './usage-ledger.js';

/** One correction a reconciliation made. */
export interface Drift {
  readonly owner: string;
  /** The object name, for a record; absent for the usage total. */
  readonly name?: string;
  readonly kind:
    | 'missing_record' // main holds an object the ledger did not count
    | 'size' // the ledger counted another size
    | 'orphan_record' // the ledger counted an object main no longer holds
    | 'usage'; // the usage total differed from the sum of the records
  readonly before: Usage;
  readonly after: Usage;
}

export interface ReconcileOptions {
  /**
   * Records written more recently than this are left alone: a confirm may be between its
   * charge and its copy. @default 900 (a confirm takes at most a function timeout)
   */
  readonly minAgeSeconds?: number;
  /** @default () => new Date() */
  readonly clock?: () => Date;
}

/** How many names one ledger lookup takes (DynamoDB's BatchGetItem). */
const LOOKUP_BATCH = 100;

/**
 * Recomputes owners' usage from main and corrects the ledger, holding one listing page and
 * one page of records at a time. Objects removed outside the API (lifecycle rules, an
 * operator) and crashes between a charge and its copy are what it corrects.
 */
export class UsageReconciler {
  readonly #ledger: UsageLedger;
  readonly #accounts: UsageAccounts;
  readonly #minAgeMs: number;
  readonly #clock: () => Date;

  constructor(ledger: UsageLedger, accounts: UsageAccounts, options: ReconcileOptions = {}) {
    this.#ledger = ledger;
    this.#accounts = accounts;
    this.#minAgeMs = (options.minAgeSeconds ?? 900) * 1000;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Reconciles one owner; answers every drift it fixed. */
  async reconcile(owner: string): Promise<Drift[]> {
    const drifts: Drift[] = [];
    const young = (record: LedgerRecord) =>
      this.#clock().getTime() - record.updatedAt.getTime() < this.#minAgeMs;
    // Read first: a change after this makes the final correction skip (see below).
    const usageBefore = await this.#ledger.usage(owner);

    // 1. Every object of main has a record of its size.
    let matched = 0;
    for await (const page of this.#accounts.mainPages(owner)) {
      for (let start = 0; start < page.length; start += LOOKUP_BATCH) {
        const batch = page.slice(start, start + LOOKUP_BATCH);
        const records = await this.#ledger.recordsOf(
          owner,
          batch.map((object) => object.name),
        );
        for (const object of batch) {
          const record = records.get(object.name);
          matched += 1;
          if (record && (record.size === object.size || young(record))) continue;
          const held = await this.#accounts.mainObject(object.key);
          if (held === undefined) continue; // deleted since the listing: step 2's business
          const etag = held.confirmedFrom ?? `unconfirmed-${held.size}`;
          const outcome = await this.#ledger.change(owner, {
            name: object.name,
            from: record,
            to: { size: held.size, etag },
          });
          if (outcome === 'applied') {
            drifts.push({
              owner,
              name: object.name,
              kind: record ? 'size' : 'missing_record',
              before: { bytes: record?.size ?? 0, objects: record ? 1 : 0 },
              after: { bytes: held.size, objects: 1 },
            });
          }
        }
      }
    }

    // 2. Records beyond main's objects are orphans; only then is each one checked.
    let recorded = 0;
    for await (const page of this.#ledger.records(owner)) recorded += page.length;
    let sum: Usage = { bytes: 0, objects: 0 };
    for await (const page of this.#ledger.records(owner)) {
      for (const record of page) {
        if (recorded > matched && !young(record)) {
          const held = await this.#accounts.mainObject(`${owner}/${record.name}`);
          if (held === undefined) {
            const outcome = await this.#ledger.change(owner, {
              name: record.name,
              from: record,
              to: undefined,
            });
            if (outcome === 'applied') {
              drifts.push({
                owner,
                name: record.name,
                kind: 'orphan_record',
                before: { bytes: record.size, objects: 1 },
                after: { bytes: 0, objects: 0 },
              });
              continue;
            }
          }
        }
        sum = { bytes: sum.bytes + record.size, objects: sum.objects + 1 };
      }
    }

    // 3. The usage total is the sum of the records: record fixes moved it along, so what is
    // left is drift of the total itself. Corrected only if nothing changed it meanwhile.
    const fixed = drifts.reduce(
      (total, drift) => ({
        bytes: total.bytes + drift.after.bytes - drift.before.bytes,
        objects: total.objects + drift.after.objects - drift.before.objects,
      }),
      usageBefore,
    );
    const now = await this.#ledger.usage(owner);
    if (
      now.bytes === fixed.bytes &&
      now.objects === fixed.objects &&
      (now.bytes !== sum.bytes || now.objects !== sum.objects)
    ) {
      await this.#ledger.adjust(owner, {
        bytes: sum.bytes - now.bytes,
        objects: sum.objects - now.objects,
      });
      drifts.push({ owner, kind: 'usage', before: now, after: sum });
    }
    return drifts;
  }

  /**
   * Reconciles every owner that holds objects in main, then every owner the ledger knows
   * (an owner in both is reconciled twice, which changes nothing the second time).
   */
  async *reconcileAll(): AsyncIterable<Drift> {
    for (const source of [this.#accounts.mainOwners(), this.#ledger.owners()]) {
      for await (const owners of source) {
        for (const owner of owners) yield* await this.reconcile(owner);
      }
    }
  }
}
