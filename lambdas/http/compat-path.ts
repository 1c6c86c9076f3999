/**
 * The original API's routes all live under this prefix, and every answer there, errors
 * included, keeps its `{"result": ...}` shape.
 */
export const COMPAT_PATH_PREFIX = '/api/v1/draft/';

export const isCompatPath = (path: string): boolean =>
  path === COMPAT_PATH_PREFIX.slice(0, -1) || path.startsWith(COMPAT_PATH_PREFIX);
