import { parseArgs } from 'node:util';
import { startRgw, stopRgw, type RgwInstance } from '../../test/conformance/global-setup.js';
import { runSoak, type SoakStore } from './soak.js';

const USAGE = `Usage: npm run soak -- [--store embedded|rgw] [--duration 30m] [--concurrency 32]
                         [--seed N] [--out docs/perf]

Runs the mixed workload (single PUTs, forms, multipart uploads with a resume, confirms,
listings, object info, deletes, a documented 400, and the server's own sweeps) against
\`npm start\`, samples the server every 10 s (RSS, heap, open fds, event-loop delay p99,
throughput), checks every object against the ledger at the end, and checks the goals.
--store rgw uses the RGW in RGW_ENDPOINT/RGW_ACCESS_KEY/RGW_SECRET_KEY (scripts/ceph-rgw.sh env)
when set, and otherwise starts a private one. Writes soak-<store>.json and .svg into --out
(default .soak). Exit code 0 when every goal holds, 1 otherwise, 2 for bad arguments.`;

const seconds = (text: string): number => {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--duration: "${text}" is not a duration like 120, 120s, 30m or 1h`);
  const unit = { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
};

const main = async (): Promise<number> => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        store: { type: 'string', default: process.env.SOAK_STORE ?? 'embedded' },
        duration: { type: 'string', default: process.env.SOAK_DURATION ?? '30m' },
        concurrency: { type: 'string', default: process.env.SOAK_CONCURRENCY ?? '32' },
        seed: { type: 'string', default: process.env.SOAK_SEED },
        out: { type: 'string', default: process.env.SOAK_OUT ?? '.soak' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
    if (values.store !== 'embedded' && values.store !== 'rgw') {
      throw new Error(`--store must be embedded or rgw, got "${values.store}"`);
    }
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let privateRgw: RgwInstance | undefined;
  let store: SoakStore | undefined;
  if (values.store === 'rgw') {
    const endpoint = process.env.RGW_ENDPOINT?.replace(/^https?:\/\//, '');
    if (endpoint) {
      store = {
        endpoint,
        accessKey: process.env.RGW_ACCESS_KEY ?? 'draftstore-test',
        secretKey: process.env.RGW_SECRET_KEY ?? 'draftstore-test-secret',
        region: process.env.RGW_REGION ?? 'us-east-1',
      };
    } else {
      console.log('[soak rgw] starting a private Ceph RGW (scripts/ceph-rgw.sh)');
      // Deleted and swept objects' data is collected after a minute, not 2 hours: the OSD
      // keeps it in RAM (memstore), and a full OSD blocks every write.
      privateRgw = await startRgw({ RGW_GC_MIN_WAIT: '60', RGW_GC_PROCESSOR_PERIOD: '60' });
      store = privateRgw;
    }
  }
  try {
    const report = await runSoak({
      label: values.store,
      durationSeconds: seconds(values.duration!),
      concurrency: Number(values.concurrency),
      ...(values.seed !== undefined && { seed: Number(values.seed) }),
      ...(store && { store }),
      outputDirectory: values.out!,
    });
    return report.ok ? 0 : 1;
  } finally {
    if (privateRgw) await stopRgw(privateRgw.directory);
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('The soak failed:', error);
    process.exit(1);
  },
);
