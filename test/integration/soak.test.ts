import { jest } from '@jest/globals';
import type { SoakReport } from '../../bench/soak/soak.js';
import { ciSoakSeconds, runCiSoak, resourceGoals } from '../../bench/soak/soak-test-run.js';

// The run itself, then the ledger check and a slow machine's start-up.
jest.setTimeout((ciSoakSeconds() + 240) * 1000);

describe('a short soak of npm start on the embedded store', () => {
  let report: SoakReport | undefined;

  it('answers no errors and loses nothing under 32 clients', async () => {
    report = await runCiSoak('embedded');

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
