/** Pages on this machine, on any port: the only browser origins the local runtime serves. */
export const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** The same origins as S3 CORS rules, which allow one `*` wildcard per origin. */
export const LOCAL_CORS_ORIGINS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*'];
