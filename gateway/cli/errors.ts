import { DesignError, formatProblem } from '../openapi/design.js';

/** Exit codes are a contract with scripts: 0 ok, 1 runtime failure or lint errors, 2 bad input (arguments or design). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Prints an error the way a user can act on it, and gives the exit code it deserves. */
export function reportError(error: unknown): number {
  if (error instanceof DesignError) {
    for (const problem of error.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.stderr.write(`portico: the design has ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`portico: ${error.message}\nRun 'portico --help' for usage.\n`);
    return EXIT_BAD_INPUT;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    process.stderr.write(`portico: cannot listen: ${(error as Error).message}\n`);
    return EXIT_FAILURE;
  }
  if (code === 'ENOENT' && typeof (error as NodeJS.ErrnoException).path === 'string') {
    process.stderr.write(`portico: ${(error as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }
  process.stderr.write(`portico: ${(error as Error).stack ?? String(error)}\n`);
  return EXIT_FAILURE;
}
