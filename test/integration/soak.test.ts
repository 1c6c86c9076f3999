import { jest } from '@jest/globals';
import { ciSoakSeconds, runCiSoak, untimedGoals } from '../../bench/soak/soak-test-run.js';

// The run itself, then the ledger check and a slow machine's start-up.
jest.setTimeout((ciSoakSeconds() + 240) * 1000);

describe('a short soak of npm start on the embedded store', () => {
  it('keeps RSS and fds flat, answers no errors and loses nothing under 32 clients', async () => {
    const report = await runCiSoak('embedded');

    expect(report.totals.operations).toBeGreaterThan(0);
    expect(report.totals['op:multipart']).toBeGreaterThan(0);
    expect(report.ledger.swept).toBeGreaterThan(0);
    expect(report.errors).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(untimedGoals(report).filter((goal) => !goal.ok)).toEqual([]);
  });
});
