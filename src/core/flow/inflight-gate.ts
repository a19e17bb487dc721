/**
 * Bounds the commands one platform works on at once. Past the bound the caller answers "busy"
 * at once instead of queueing: a burst then costs a short reply each, not memory and minutes.
 */
export class InflightGate {
  private active = 0;

  constructor(
    readonly max: number,
    /** True while the process is too loaded to take more (e.g. its event loop runs late). */
    private readonly overloaded: () => boolean = () => false,
  ) {}

  /** A release function when there is room, else undefined (answer busy). Release exactly once. */
  tryEnter(): (() => void) | undefined {
    if (this.active >= this.max || (this.active > 0 && this.overloaded())) return undefined;
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

/** Past this event-loop delay a platform takes no new command while it still has one in flight. */
export const LOOP_LAG_LIMIT_MS = 500;
