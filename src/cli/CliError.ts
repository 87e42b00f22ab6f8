/** A failure the user can act on: printed as one line, with its exit code, never as a stack. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}
