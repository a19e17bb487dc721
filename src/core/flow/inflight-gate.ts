/**
 * Bounds the commands one platform works on at once. Past the bound the caller answers "busy"
 * at once instead of queueing: a burst then costs a short reply each, not memory and minutes.
 */
export class InflightGate {
  private active = 0;

  constructor(readonly max: number) {}

  /** A release function when there is room, else undefined (answer busy). Release exactly once. */
  tryEnter(): (() => void) | undefined {
    if (this.active >= this.max) return undefined;
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
    };
  }

  get inFlight(): number {
    return this.active;
  }
}

/** What a person sees when their platform's bound is reached. */
export const BUSY_TEXT = 'I’m busy with a burst of requests right now; please try again in a minute.';
