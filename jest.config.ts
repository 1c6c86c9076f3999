/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// SWC only strips types; `npm run build` (tsc) is what type-checks.
const transform: Config['transform'] = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
      module: { type: 'es6' },
      sourceMaps: 'inline',
    },
  ],
};

const common: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  // Sources import siblings as `./x.js` (NodeNext); jest resolves the `.ts` file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  setupFiles: ['<rootDir>/test/helpers/quiet-logs.ts'],
};

const config: Config = {
  // Tests talk to real servers over HTTP; on a busy two-core CI machine a flow can take
  // seconds. Performance is measured in `npm run bench`, never by a test's clock. A global
  // option: jest ignores it inside a project, where it would leave the 5 s default.
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.cjs'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...common,
      displayName: 'conformance',
      testMatch: ['<rootDir>/test/conformance/**/*.test.ts'],
      // One shared Ceph RGW for the project's files; see test/conformance/global-setup.ts.
      globalSetup: '<rootDir>/test/conformance/global-setup.ts',
      globalTeardown: '<rootDir>/test/conformance/global-teardown.ts',
    },
    // The synthesized bundles (cdk.out) run as deployed against the same Ceph RGW; its setup
    // synthesizes first when cdk.out is stale, and shares the conformance project's RGW.
    {
      ...common,
      displayName: 'deployed',
      testMatch: ['<rootDir>/test/deployed/**/*.test.ts'],
      globalSetup: '<rootDir>/test/deployed/global-setup.ts',
      globalTeardown: '<rootDir>/test/conformance/global-teardown.ts',
    },
    // Property-based HTTP fuzz of `npm start` (FUZZ_SEED / FUZZ_RUNS override the fixed seed and 10,000 cases).
    { ...common, displayName: 'fuzz', testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    // The client package's own tests (client/jest.config.ts), counted in this run's summary.
    '<rootDir>/client',
  ],
};

export default config;
