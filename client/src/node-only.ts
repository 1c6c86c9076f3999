/**
 * Imports a Node-only module of this package at run time. The specifier is a variable so
 * that bundlers for the browser leave those modules (and their node: imports) out.
 */
export const nodeOnly = <T>(module: string): Promise<T> =>
  import(/* @vite-ignore */ module) as Promise<T>;

export const isNode = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
  'string';
