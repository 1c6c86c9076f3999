/** The CLI's exit codes, as `aws s3` uses them: 1 a failed operation, 2 a usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
