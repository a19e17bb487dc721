/**
 * Keys seen within the last `ttlMs`, for dropping redelivered or replayed requests. Bounded: past
 * `max` keys the oldest are forgotten first (a flood cannot grow it without limit).
 */
export class SeenKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time `key` is offered within the window; false for a repeat. */
  firstTime(key: string): boolean {
    const at = this.now();
    this.expire(at);
    const when = this.seen.get(key);
    if (when !== undefined && at - when < this.ttlMs) return false;
    this.seen.delete(key);
    this.seen.set(key, at);
    if (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private expire(at: number): void {
    // Insertion order is arrival order, so expired keys are at the front.
    for (const [key, when] of this.seen) {
      if (at - when < this.ttlMs) break;
      this.seen.delete(key);
    }
  }
}
