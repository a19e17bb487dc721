/**
 * Per-destination rate-limit waits: when a platform answers one channel with Retry-After, only
 * sends to that channel wait; every other channel goes on. (A client-wide queue pause would stop
 * them all.)
 */
export class ChannelPacing {
  private readonly notBefore = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Nothing may be sent to `key` for `ms` from now (keeps the later of two holds). */
  hold(key: string, ms: number): void {
    const until = this.now() + ms;
    if ((this.notBefore.get(key) ?? 0) < until) this.notBefore.set(key, until);
  }

  /** How long a send to `key` must still wait (0: go). */
  waitMs(key: string): number {
    const until = this.notBefore.get(key);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) this.notBefore.delete(key);
    return Math.max(0, left);
  }
}
