/**
 * Runs until SIGINT or SIGTERM, then stops once (a second signal is ignored while stopping) and
 * resolves with the exit code: 0 when `stop` succeeded, 1 when it failed.
 */
export function runUntilSignalled(stop: () => Promise<unknown>, stoppingMessage: string): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`\n${signal}: ${stoppingMessage}\n`);
      stop().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`portico: stop failed: ${(error as Error).message}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
}
