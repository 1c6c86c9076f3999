import { runSoak, type SoakReport, type SoakStore } from './soak.js';

/** The CI soak's length: 2 minutes per store unless SOAK_CI_SECONDS says otherwise. */
export const ciSoakSeconds = (): number => Number(process.env.SOAK_CI_SECONDS ?? 120);

/**
 * The short soak a test runs: the same module and goals as `npm run soak`, sampled every 5 s
 * so a 2-minute run still has samples in every window, and written to .soak/.
 */
export const runCiSoak = (label: string, store?: SoakStore): Promise<SoakReport> =>
  runSoak({
    label: `${label}-ci`,
    durationSeconds: ciSoakSeconds(),
    sampleSeconds: 5,
    ...(process.env.SOAK_SEED !== undefined && { seed: Number(process.env.SOAK_SEED) }),
    ...(store && { store }),
    outputDirectory: '.soak',
    log: (line) => process.stdout.write(`${line}\n`),
  });

/**
 * The resource goals (RSS, live heap and fds flat) a test asserts beside errors and losses; the timed
 * one (throughput) it leaves to `npm run soak`, where no other job shares the machine.
 */
export const resourceGoals = (report: SoakReport) =>
  report.goals
    .filter((goal) => !goal.timed && goal.name.includes(' flat '))
    .map(({ name, ok, detail }) => ({ name, ok, detail }));
