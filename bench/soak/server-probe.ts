import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Loaded into the soaked server with `--import` (bench/soak/server-process.ts). The event-loop
 * delay has to be measured on the server's own loop: measured in the load generator, it would
 * be the generator's delay. On each `sample` message from the parent it answers what only the
 * process itself can see (memory, loop delay since the last sample) and starts a new histogram.
 *
 * Memory is read right after a full garbage collection (the server runs with --expose-gc):
 * otherwise a sample shows whatever garbage happened to be waiting, and V8's heap, sized
 * lazily by the allocation rate, grows for minutes into a run. After a full GC what is left
 * is what the server holds on to, which is what a leak grows.
 */
export interface ProbeReading {
  readonly type: 'probe';
  /** Resident set size after the collection. */
  readonly rssBytes: number;
  /** The live heap: what the collection could not free. */
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Memory outside the V8 heap: Buffers, sockets' native state. */
  readonly externalBytes: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/** A full, synchronous collection; the probe refuses to read memory without one. */
const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the soak probe needs node --expose-gc');
  gc();
};

if (process.env.DRAFTSTORE_SOAK_PROBE === '1' && process.send) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message: unknown) => {
    if (message !== 'sample') return;
    collectGarbage();
    const memory = process.memoryUsage();
    const reading: ProbeReading = {
      type: 'probe',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      loopDelayMaxMs: delay.max / 1e6,
    };
    delay.reset();
    process.send?.(reading);
  });
  // The channel must not keep a server that was told to stop alive.
  process.channel?.unref();
}
