/** Types of bundle-budget.mjs, a plain script that `npm run synth` runs without a build. */
export declare const checkBudget: (
  rows: ReadonlyArray<{ readonly name: string; readonly code: number }>,
  budget: Readonly<Record<string, number>>,
) => string[];
