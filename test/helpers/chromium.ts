import { existsSync } from 'node:fs';

/** Debian's Chromium, driven by playwright-core (no browser download). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);

if (!available && process.env.CI === 'true') {
  throw new Error(
    `Chromium is required in CI (apt-get install chromium); not found at ${CHROMIUM}`,
  );
}
if (!available) {
  // Visible in the run, so a green suite never hides that the browser test did not run.
  console.warn(
    `SKIPPED: browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium).`,
  );
}

/** `describe` where Chromium is installed; a loud skip on a developer machine without it (never in CI). */
export const describeWithBrowser = available ? describe : describe.skip;
