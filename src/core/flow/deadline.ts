/** Thrown when work passed its deadline, or was abandoned because the app is stopping. */
export class DeadlineError extends Error {
  constructor(
    message: string,
    readonly reason: 'deadline' | 'stopping',
  ) {
    super(message);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs `work` with its own AbortSignal that fires after `ms` or when `outer` aborts, and settles
 * no later than that, even if the work ignores the signal and hangs.
 */
export function withDeadline<T>(ms: number, outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    const stop = (err: DeadlineError) => {
      cleanup();
      controller.abort(err);
      reject(err);
    };
    const timer = setTimeout(() => stop(new DeadlineError(`no answer within ${ms} ms`, 'deadline')), ms);
    const onAbort = () => stop(new DeadlineError('stopping', 'stopping'));
    const cleanup = () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    };
    if (outer?.aborted) return onAbort();
    outer?.addEventListener('abort', onAbort, { once: true });
    work(controller.signal).then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
