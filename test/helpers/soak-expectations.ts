import type { SoakReport } from '../../bench/soak/soak.js';
import { resourceGoals } from '../../bench/soak/soak-test-run.js';

/**
 * The two checks every short soak makes, whatever the store: `run` soaks it once; the first test
 * asserts no errors and no loss, the second that RSS, the live heap and open fds stayed flat.
 */
export const itHoldsUnderSoak = (run: () => Promise<SoakReport>): void => {
  let report: SoakReport | undefined;

  it('answers no errors and loses nothing under 32 clients', async () => {
    report = await run();

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
};
