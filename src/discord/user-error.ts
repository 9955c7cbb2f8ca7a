/**
 * An error meant for the person who ran the command: its message is shown to them as it is.
 * Anything else thrown by a handler is internal: logged with an id, shown as a short line with
 * that id, never with its message or stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** A stable name for the kind of refusal, for logs and tests (e.g. `not-linked`). */
    readonly identifier = 'user-error',
  ) {
    super(message);
    this.name = 'UserError';
  }
}
