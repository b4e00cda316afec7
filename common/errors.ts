/**
 * What went wrong, in one line for a log or a person: an Error's message, else the thrown value
 * as text (code may throw strings, numbers or plain objects; none of them may turn into a crash
 * of the error path itself).
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return String(error);
  } catch {
    // An object whose toString throws, or one with a null prototype, has no words of its own.
    return Object.prototype.toString.call(error);
  }
}

/** The thrown value as an Error, so a rejection always carries a message and a stack (code may throw strings). */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(describeError(error));
}
