import { join } from 'node:path';
import { jest } from '@jest/globals';
import { PROJECT_ROOT } from '../../lib/bundle-options.js';
import { ROUTE_TABLE } from '../../lambdas/http/route-table.js';
import {
  bundleSources,
  deployedFunctions,
  functionUrlTarget,
  readTemplate,
  routeTargets,
  scheduleTargets,
  type DeployedFunction,
} from '../helpers/cdk-out.js';
import { bundleExports } from '../helpers/invoke-bundle.js';

// One process imports all 19 bundles: seconds on a busy machine.
jest.setTimeout(60_000);

// Read from cdk.out, never from the TypeScript sources: what would be deployed.
const template = readTemplate();
const functions = deployedFunctions(template);

/** Each function's handler source, relative to the repository root: what it must bundle. */
const CLEANUP_ENTRY = 'lambdas/jobs/cleanup.ts';
const RECONCILE_ENTRY = 'lambdas/jobs/reconcile-usage.ts';
const CONNECT_ENTRY = 'lambdas/rpc/function-url.ts';
const routeEntry = (entry: string) => `lambdas/http/${entry}.ts`;
const ALL_ENTRIES = [
  ...ROUTE_TABLE.map((route) => routeEntry(route.entry)),
  CLEANUP_ENTRY,
  RECONCILE_ENTRY,
  CONNECT_ENTRY,
];

/**
 * What a bundle was built from: esbuild lists the entry module last in the source map,
 * and any other function's entry it pulled in as well.
 */
const entriesOf = (fn: DeployedFunction) => {
  const sources = bundleSources(fn);
  const relative = (file: string | undefined) =>
    file?.startsWith(`${PROJECT_ROOT}`) ? file.slice(join(PROJECT_ROOT, '/').length) : file;
  return {
    last: relative(sources.at(-1)),
    entries: sources.map(relative).filter((file) => ALL_ENTRIES.includes(file ?? '')),
  };
};

describe('the synthesized template (cdk.out), as deployed', () => {
  it('has one API route per route-table row, each invoking the function that bundles its handler', () => {
    // Prepare: route key → integration → function → asset, all from the template.
    const routes = routeTargets(template, functions);

    // Assess
    expect([...routes.keys()].sort()).toEqual(
      ROUTE_TABLE.map((route) => `${route.method} ${route.path}`).sort(),
    );
    for (const spec of ROUTE_TABLE) {
      const key = `${spec.method} ${spec.path}`;
      const fn = routes.get(key)!;
      expect({ route: key, function: fn.name, ...entriesOf(fn) }).toEqual({
        route: key,
        function: fn.name,
        last: routeEntry(spec.entry),
        entries: [routeEntry(spec.entry)],
      });
    }
  });

  it('runs the cleanup and usage reconciliation bundles on their schedules and the Connect bundle behind the function URL', () => {
    const schedules = scheduleTargets(template, functions);
    const connect = functionUrlTarget(template, functions);

    const scheduled = schedules.map(({ fn }) => ({ function: fn.name, ...entriesOf(fn) }));
    expect(scheduled.sort((a, b) => a.last!.localeCompare(b.last!))).toEqual([
      { function: expect.any(String), last: CLEANUP_ENTRY, entries: [CLEANUP_ENTRY] },
      { function: expect.any(String), last: RECONCILE_ENTRY, entries: [RECONCILE_ENTRY] },
    ]);
    expect({ function: connect.name, ...entriesOf(connect) }).toEqual({
      function: connect.name,
      last: CONNECT_ENTRY,
      entries: [CONNECT_ENTRY],
    });
  });

  it('deploys no function that nothing invokes', () => {
    const invoked = new Set([
      ...routeTargets(template, functions).values(),
      ...scheduleTargets(template, functions).map(({ fn }) => fn),
      functionUrlTarget(template, functions),
    ]);

    expect(functions.filter((fn) => !invoked.has(fn)).map((fn) => fn.name)).toEqual([]);
  });

  it("exports each function's Handler from its bundle, which loads in Node 24 on its own", async () => {
    // Act: one fresh process imports every bundle (no network: handlers compose on first call).
    const exports = await bundleExports(
      functions.map((fn) => fn.bundle),
      { AWS_REGION: 'us-east-1' },
    );

    // Assess
    for (const fn of functions) {
      expect({ function: fn.name, handler: fn.handler, exports: exports[fn.bundle] }).toEqual({
        function: fn.name,
        handler: fn.handler,
        exports: expect.arrayContaining([fn.exportName]),
      });
    }
  });
});
