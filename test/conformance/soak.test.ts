import { jest } from '@jest/globals';
import { ciSoakSeconds, runCiSoak } from '../../bench/soak/soak-test-run.js';
import { itHoldsUnderSoak } from '../helpers/soak-expectations.js';
import { startRgw, stopRgw, type RgwInstance } from './global-setup.js';
import { describeRgw } from './stores.js';

// The run itself, then the ledger check and a slow machine's start-up.
jest.setTimeout((ciSoakSeconds() + 300) * 1000);

// A private RGW: the soak writes hundreds of MiB, which RGW keeps in the OSD's RAM until its
// garbage collector runs (after a minute here, 2 hours by default), and the shared instance's
// other users must not slow down its samples.
describeRgw('a short soak of npm start', () => {
  let rgw: RgwInstance | undefined;

  beforeAll(async () => {
    rgw = await startRgw({ RGW_GC_MIN_WAIT: '60', RGW_GC_PROCESSOR_PERIOD: '60' });
  });
  afterAll(async () => {
    if (rgw) await stopRgw(rgw.directory);
  });

  itHoldsUnderSoak(() => runCiSoak('rgw', rgw!));
});
