/**
 * `work`, or a rejection once `ms` have passed without it settling (the work itself goes on):
 * a probe, a claim or a store never hangs its caller. `failure` is the error's message, or makes
 * the error.
 */
export function within<T>(
  work: Promise<T>,
  ms: number,
  failure: string | (() => Error),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(typeof failure === 'string' ? new Error(failure) : failure()),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
