import { jest } from '@jest/globals';
import { ciSoakSeconds, runCiSoak } from '../../bench/soak/soak-test-run.js';
import { itHoldsUnderSoak } from '../helpers/soak-expectations.js';

// The run itself, then the ledger check and a slow machine's start-up.
jest.setTimeout((ciSoakSeconds() + 240) * 1000);

describe('a short soak of npm start on the embedded store', () => {
  itHoldsUnderSoak(() => runCiSoak('embedded'));
});
