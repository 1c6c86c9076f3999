export interface UploadProgress {
  /** Bytes sent so far; never decreases, even when a part is sent again. */
  readonly loaded: number;
  readonly total: number;
}

/**
 * Adds up per-part progress into one monotonic figure. A retried part restarts from zero
 * on the wire, so each part counts with its high-water mark: the total never goes back,
 * and it reaches `total` exactly when every part is in.
 */
export class ProgressTracker {
  private readonly highWater = new Map<number, number>();
  private loaded = 0;

  constructor(
    private readonly total: number,
    private readonly listener?: (progress: UploadProgress) => void,
  ) {}

  /** `bytes` of part `part` (1 for a single PUT) are on the wire. */
  report(part: number, bytes: number): void {
    const before = this.highWater.get(part) ?? 0;
    if (bytes <= before) return;
    this.highWater.set(part, bytes);
    this.loaded += bytes - before;
    this.listener?.({ loaded: Math.min(this.loaded, this.total), total: this.total });
  }

  /**
   * Parts a resumed upload finds already stored, counted in one event: a listener that
   * measures throughput from its first event (the CLI) then leaves them out.
   */
  reportStored(parts: ReadonlyMap<number, number>): void {
    let added = 0;
    for (const [part, bytes] of parts) {
      const before = this.highWater.get(part) ?? 0;
      if (bytes <= before) continue;
      this.highWater.set(part, bytes);
      added += bytes - before;
    }
    if (added === 0) return;
    this.loaded += added;
    this.listener?.({ loaded: Math.min(this.loaded, this.total), total: this.total });
  }

  /**
   * All bytes are in. Only an empty body needs it: it has no bytes to report, and a
   * listener would otherwise never hear that it is done.
   */
  finish(): void {
    if (this.total === 0 && this.highWater.size === 0) {
      this.highWater.set(1, 0);
      this.listener?.({ loaded: 0, total: 0 });
    }
  }

  get current(): UploadProgress {
    return { loaded: this.loaded, total: this.total };
  }
}
