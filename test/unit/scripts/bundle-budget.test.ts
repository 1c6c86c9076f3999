import { ROUTE_TABLE } from '../../../lambdas/http/route-table.js';
import { readFileSync } from 'node:fs';
import { checkBudget as check } from '../../../scripts/bundle-budget.mjs';

describe('the bundle-size budget that `npm run synth` enforces', () => {
  it('passes bundles at or under their budget', () => {
    expect(
      check(
        [
          { name: 'UploadUrl', code: 1000 },
          { name: 'Health', code: 500 },
        ],
        { UploadUrl: 1000, Health: 600 },
      ),
    ).toEqual([]);
  });

  it('names the function, its size, its budget and the excess when a bundle grows past it', () => {
    expect(check([{ name: 'UploadUrl', code: 1001 }], { UploadUrl: 1000 })).toEqual([
      'UploadUrl: 1001 bytes is over its budget of 1000 bytes by 1',
    ]);
  });

  it('refuses a function without a budget and a budget without a function', () => {
    expect(check([{ name: 'NewFunction', code: 10 }], { OldFunction: 10 })).toEqual([
      'NewFunction: no budget in scripts/bundle-budget.json (10 bytes)',
      'OldFunction: budgeted, but no such function was bundled',
    ]);
  });

  it('budgets every function the stack deploys', () => {
    const budget = JSON.parse(
      readFileSync(new URL('../../../scripts/bundle-budget.json', import.meta.url), 'utf8'),
    ) as Record<string, number>;
    // Each route's function is named after its entry (upload-url -> UploadUrl), as in the stack.
    const pascal = (entry: string) =>
      entry.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) =>
        letter.toUpperCase(),
      );
    const deployed = [
      ...ROUTE_TABLE.map((route) => pascal(route.entry)),
      'Cleanup',
      'Connect',
      'ReconcileUsage',
    ];
    expect(Object.keys(budget).sort()).toEqual([...new Set(deployed)].sort());
  });
});
