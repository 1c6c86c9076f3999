/**
 * A reason `npm start` cannot start that the person running it can fix: printed as one
 * line, without a stack trace.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

const isAddressInUse = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === 'EADDRINUSE';

/** EADDRINUSE as what to do about it; any other error as it is. */
export const explainListenError = (
  error: unknown,
  address: { host: string; port: number; variable: string },
): unknown =>
  isAddressInUse(error)
    ? new StartupError(
        `Port ${address.port} on ${address.host} is already in use (${address.variable}): stop the process using it, or set ${address.variable} to a free port.`,
        { cause: error },
      )
    : error;
