import { jest } from '@jest/globals';
import { ciSoakSeconds, runCiSoak, untimedGoals } from '../../bench/soak/soak-test-run.js';
import { describeRgw, sharedRgw } from './stores.js';

// The run itself, then the ledger check and a slow machine's start-up.
jest.setTimeout((ciSoakSeconds() + 240) * 1000);

describeRgw('a short soak of npm start', () => {
  it('keeps RSS and fds flat, answers no errors and loses nothing under 32 clients', async () => {
    const report = await runCiSoak('rgw', sharedRgw()!);

    expect(report.totals.operations).toBeGreaterThan(0);
    expect(report.totals['op:multipart']).toBeGreaterThan(0);
    expect(report.ledger.swept).toBeGreaterThan(0);
    expect(report.errors).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(untimedGoals(report).filter((goal) => !goal.ok)).toEqual([]);
  });
});
