// Errors the CLI turns into exit codes instead of stack traces.

/** A failure the user should see as a plain message; `exitCode` is what the process exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The command line itself is wrong (exit 2); `command` picks which help the hint points to. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message, 2);
    this.name = "UsageError";
  }
}
