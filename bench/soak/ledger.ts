import { createHash } from 'node:crypto';

/** Where the client was told a draft went; `unknown` when an answer never came. */
export type LedgerState = 'draft' | 'confirmed' | 'deleted' | 'unknown';

/** One object the workload created, and what every answer about it said. */
export interface LedgerEntry {
  readonly key: string;
  readonly kind: 'put' | 'form' | 'multipart';
  readonly size: number;
  readonly sha256: string;
  /** When the store first held the draft (the PUT, form POST or complete answered). */
  draftedAt: number;
  state: LedgerState;
  /** Which stage a `deleted` or `unknown` entry was in when it was deleted or lost sight of. */
  stage?: 'draft' | 'main';
}

/** A ledger entry that does not match what the store holds. */
export interface LedgerViolation {
  readonly key: string;
  readonly problem: string;
}

/** What the store holds, read after the workload stopped: listing sizes per stage. */
export interface StoreContents {
  readonly draft: ReadonlyMap<string, number>;
  readonly main: ReadonlyMap<string, number>;
  /** sha256 of a main object's bytes, read on demand. */
  readMain(key: string): Promise<string | undefined>;
  /** sha256 of a draft's bytes, read on demand. */
  readDraft(key: string): Promise<string | undefined>;
}

export const sha256 = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

/** Every entry the workload recorded, by key (keys are never reused). */
export class Ledger {
  readonly #entries = new Map<string, LedgerEntry>();

  add(entry: LedgerEntry): void {
    if (this.#entries.has(entry.key)) throw new Error(`ledger: ${entry.key} recorded twice`);
    this.#entries.set(entry.key, entry);
  }

  get size(): number {
    return this.#entries.size;
  }

  entries(): IterableIterator<LedgerEntry> {
    return this.#entries.values();
  }

  counts(): Record<LedgerState, number> {
    const counts: Record<LedgerState, number> = { draft: 0, confirmed: 0, deleted: 0, unknown: 0 };
    for (const entry of this.#entries.values()) counts[entry.state] += 1;
    return counts;
  }

  /**
   * Checks every entry against the store: a confirmed object is in main with its bytes; a
   * draft is in the draft bucket with its bytes, or gone only if it had outlived
   * `lifetimeMs` (swept); a deleted one is gone; nothing is in both buckets; nothing is
   * stored that the ledger does not know.
   */
  async verify(
    store: StoreContents,
    options: { readonly now: number; readonly lifetimeMs: number },
  ): Promise<{ violations: LedgerViolation[]; swept: number; pending: number }> {
    const violations: LedgerViolation[] = [];
    const fail = (key: string, problem: string) => violations.push({ key, problem });
    let swept = 0;
    let pending = 0;
    for (const entry of this.#entries.values()) {
      const inDraft = store.draft.get(entry.key);
      const inMain = store.main.get(entry.key);
      if (inDraft !== undefined && inMain !== undefined) fail(entry.key, 'in both draft and main');
      switch (entry.state) {
        case 'confirmed':
          if (inMain === undefined) fail(entry.key, 'confirmed (200) but not in main');
          else if ((await store.readMain(entry.key)) !== entry.sha256) {
            fail(entry.key, 'confirmed, but main holds other bytes');
          }
          break;
        case 'draft':
          if (inDraft !== undefined) {
            pending += 1;
            if (inDraft !== entry.size)
              fail(entry.key, `draft of ${inDraft} bytes, not ${entry.size}`);
          } else if (inMain !== undefined) {
            fail(entry.key, 'in main, but no confirm was answered 200');
          } else if (options.now - entry.draftedAt >= options.lifetimeMs) {
            swept += 1;
          } else {
            fail(entry.key, `a live draft (${options.now - entry.draftedAt} ms old) is gone`);
          }
          break;
        case 'deleted':
          if (entry.stage === 'main' && inMain !== undefined)
            fail(entry.key, 'deleted, still in main');
          if (entry.stage === 'draft' && inDraft !== undefined) {
            fail(entry.key, 'deleted, still in draft');
          }
          break;
        case 'unknown': {
          // A request whose answer never came: it may or may not have happened, but whatever
          // is stored must be these bytes.
          const read = inMain !== undefined ? store.readMain : store.readDraft;
          const stored = inMain !== undefined || inDraft !== undefined;
          const got = stored ? await read(entry.key) : undefined;
          // Gone by the time it is read (swept) is fine too.
          if (got !== undefined && got !== entry.sha256) {
            fail(entry.key, 'stored with other bytes after an unanswered request');
          }
          break;
        }
      }
    }
    for (const key of [...store.draft.keys(), ...store.main.keys()]) {
      if (!this.#entries.has(key)) fail(key, 'stored, but no client ever created it');
    }
    return { violations, swept, pending };
  }
}
