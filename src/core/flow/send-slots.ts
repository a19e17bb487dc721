/**
 * At most `size` sends at once, where a send holds its slot only until it settles or `holdMs`
 * pass, whichever is first. A hung or slow target therefore delays the others by at most
 * `holdMs`, never by its whole timeout; it keeps running (to its own deadline) outside the count.
 */
export class SendSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(
    size: number,
    private readonly holdMs: number,
  ) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
    const timer = setTimeout(release, this.holdMs);
    try {
      return await work();
    } finally {
      release();
    }
  }

  private acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
