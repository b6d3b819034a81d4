/**
 * An error caused by the user's input (a bad flag, a malformed file, an unknown name).
 * The CLI prints its message without a stack trace and exits with code 2.
 * Messages name the bad value and, where there is a closed set, the valid choices.
 */
export class UserError extends Error {
  override name = "UserError";
  readonly exitCode = 2;
}

/** A UserError about a data file: the message names the file, the place in it and the problem. */
export class DataError extends UserError {
  override name = "DataError";
  constructor(
    readonly file: string,
    readonly place: string,
    readonly problem: string,
  ) {
    super(`${file}: ${place}: ${problem}`);
  }
}
