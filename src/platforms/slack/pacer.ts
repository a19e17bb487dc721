/**
 * Spaces out calls per workspace: at most one call starts every `intervalMs`, and a 429's
 * Retry-After pushes that workspace's next call back. Only the calls given to it wait, so
 * history look-ups never hold up posts (which go through their own client).
 */
export interface Pacer {
  run<T>(workspace: string, call: () => Promise<T>): Promise<T>;
  /** Slack said to wait: nothing more starts in this workspace for `ms`. */
  backOff(workspace: string, ms: number): void;
}

export function createPacer(intervalMs: number, now: () => number = Date.now): Pacer {
  const nextAt = new Map<string, number>();
  const tails = new Map<string, Promise<unknown>>();
  const wait = (ms: number) => new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms).unref() : resolve()));
  return {
    run(workspace, call) {
      const previous = tails.get(workspace) ?? Promise.resolve();
      const turn = previous.then(async () => {
        // nextAt may move while waiting (a 429 elsewhere in the workspace): wait until it holds.
        for (let at = nextAt.get(workspace) ?? 0; at > now(); at = nextAt.get(workspace) ?? 0) await wait(at - now());
        nextAt.set(workspace, now() + intervalMs);
      });
      const result = turn.then(call);
      const tail = result.catch(() => undefined);
      tails.set(workspace, tail);
      void tail.then(() => {
        if (tails.get(workspace) === tail) tails.delete(workspace);
      });
      return result;
    },
    backOff(workspace, ms) {
      nextAt.set(workspace, Math.max(nextAt.get(workspace) ?? 0, now() + ms));
    },
  };
}
