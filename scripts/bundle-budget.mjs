// The bundle-size budget: each function's minified code may not grow past the bytes
// scripts/bundle-budget.json allows it. `npm run synth` (which CI runs) applies it.

/**
 * Compares measured bundle sizes with the budget. Answers one line per problem: a
 * function over its budget, a function without one, a budget for a function that is gone.
 * @param {ReadonlyArray<{name: string, code: number}>} rows measured sizes, bytes
 * @param {Readonly<Record<string, number>>} budget allowed bytes per function
 * @returns {string[]}
 */
/**
 * Functions only some deployments have (a construct prop turns them on): budgeted, measured
 * when bundled (`npm run synth -- -c companionRoutes=true`), and not missed when absent.
 */
export const OPT_IN_FUNCTIONS = new Set(['Companion']);

export const checkBudget = (rows, budget) => {
  const problems = [];
  for (const row of rows) {
    const allowed = budget[row.name];
    if (allowed === undefined) {
      problems.push(`${row.name}: no budget in scripts/bundle-budget.json (${row.code} bytes)`);
    } else if (row.code > allowed) {
      problems.push(
        `${row.name}: ${row.code} bytes is over its budget of ${allowed} bytes by ${row.code - allowed}`,
      );
    }
  }
  const measured = new Set(rows.map((row) => row.name));
  for (const name of Object.keys(budget)) {
    if (!measured.has(name) && !OPT_IN_FUNCTIONS.has(name))
      problems.push(`${name}: budgeted, but no such function was bundled`);
  }
  return problems;
};
