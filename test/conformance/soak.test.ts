import { jest } from '@jest/globals';
import type { SoakReport } from '../../bench/soak/soak.js';
import { ciSoakSeconds, runCiSoak, resourceGoals } from '../../bench/soak/soak-test-run.js';
import { startRgw, stopRgw, type RgwInstance } from './global-setup.js';
import { describeRgw } from './stores.js';

// The run itself, then the ledger check and a slow machine's start-up.
jest.setTimeout((ciSoakSeconds() + 300) * 1000);

// A private RGW: the soak writes hundreds of MiB, which RGW keeps in the OSD's RAM until its
// garbage collector runs (after a minute here, 2 hours by default), and the shared instance's
// other users must not slow down its samples.
describeRgw('a short soak of npm start', () => {
  let rgw: RgwInstance | undefined;
  let report: SoakReport | undefined;

  beforeAll(async () => {
    rgw = await startRgw({ RGW_GC_MIN_WAIT: '60', RGW_GC_PROCESSOR_PERIOD: '60' });
  });
  afterAll(async () => {
    if (rgw) await stopRgw(rgw.directory);
  });

  it('answers no errors and loses nothing under 32 clients', async () => {
    report = await runCiSoak('rgw', rgw!);

    expect(report.totals.operations).toBeGreaterThan(0);
    expect(report.totals['op:multipart']).toBeGreaterThan(0);
    expect(report.ledger.swept).toBeGreaterThan(0);
    expect(report.errors).toEqual([]);
    expect(report.violations).toEqual([]);
  });

  it('keeps RSS, the live heap and open fds flat after warm-up', () => {
    expect(report).toBeDefined();
    expect(resourceGoals(report!)).toHaveLength(3);
    expect(resourceGoals(report!).filter((goal) => !goal.ok)).toEqual([]);
  });
});
