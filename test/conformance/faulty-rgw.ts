import type { S3Client } from '@aws-sdk/client-s3';
import { FAULT_KINDS, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import type { TestRuntime } from '../helpers/local-runtime.js';
import { rgwClient, sharedRgw, startRgwRuntime } from './stores.js';

/** A runtime whose S3 traffic to Ceph RGW passes a fault-injecting proxy, and a direct client. */
export interface FaultyRgw {
  readonly proxy: FaultProxy;
  readonly api: TestRuntime;
  /** Talks to RGW past the proxy: for seeding and for checking what is really stored. */
  readonly direct: S3Client;
  /** Moves the runtime's clock forward, so that a sweep finds today's drafts expired. */
  advanceClock(ms: number): void;
  /** Faults injected so far, and a log line `S3 requests=… faults=… (kind=n …)`. */
  faults(): { readonly injected: number; readonly summary: string };
}

/**
 * Starts it in beforeAll (drafts live an hour: OBJECT_LIFETIME 3600) and stops it in
 * afterAll; the fields are there from beforeAll on. Call it inside a describeRgw.
 */
export const useFaultyRgw = (options: { seed: number; rate: number }): FaultyRgw => {
  let proxy: FaultProxy | undefined;
  let api: TestRuntime | undefined;
  let direct: S3Client | undefined;
  let offsetMs = 0;

  beforeAll(async () => {
    const rgw = sharedRgw()!;
    proxy = await startFaultProxy({ target: rgw.endpoint, ...options });
    api = await startRgwRuntime(
      { ...rgw, endpoint: proxy.endpoint },
      { OBJECT_LIFETIME: '3600' },
      { clock: () => new Date(Date.now() + offsetMs) },
    );
    direct = rgwClient(rgw);
  });
  afterAll(async () => {
    await api?.stop();
    await proxy?.close();
    direct?.destroy();
  });

  return {
    get proxy() {
      return proxy!;
    },
    get api() {
      return api!;
    },
    get direct() {
      return direct!;
    },
    advanceClock: (ms) => {
      offsetMs += ms;
    },
    faults: () => {
      const counts = proxy!.counts;
      const injected = FAULT_KINDS.reduce((sum, kind) => sum + counts[kind], 0);
      const kinds = FAULT_KINDS.map((kind) => `${kind}=${counts[kind]}`).join(' ');
      return {
        injected,
        summary: `S3 requests=${injected + counts.forwarded} faults=${injected} (${kinds})`,
      };
    },
  };
};
