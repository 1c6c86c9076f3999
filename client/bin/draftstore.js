#!/usr/bin/env node
/* global URL */
// The `draftstore` command. Inside the repository it runs the TypeScript source through
// tsx (a root devDependency), so `npx draftstore` works right after `npm install` with no
// build step; the published package carries no source and runs its compiled dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/client/src/cli.js', import.meta.url).href);
}
