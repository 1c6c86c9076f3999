/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

/**
 * The client package's tests, run on their own (`npm test` here) and as the root's
 * `client` project. SWC only strips types; the root's `npm run lint` type-checks them.
 */
const config: Config = {
  displayName: 'client',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  // Sources import siblings as `./x.js` (NodeNext); jest resolves the `.ts` file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30_000,
};

export default config;
