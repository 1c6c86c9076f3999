import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Loaded into the soaked server with `--import` (bench/soak/server-process.ts). The event-loop
 * delay has to be measured on the server's own loop: measured in the load generator, it would
 * be the generator's delay. On each `sample` message from the parent it answers what only the
 * process itself can see (heap, loop delay since the last sample) and starts a new histogram.
 */
export interface ProbeReading {
  readonly type: 'probe';
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** Memory outside the V8 heap: Buffers, sockets' native state. */
  readonly externalBytes: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

if (process.env.DRAFTSTORE_SOAK_PROBE === '1' && process.send) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message: unknown) => {
    if (message !== 'sample') return;
    const memory = process.memoryUsage();
    const reading: ProbeReading = {
      type: 'probe',
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
