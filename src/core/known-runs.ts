import type { Store } from './store/port.js';
import { targetKey, type Target } from './types.js';

/**
 * The runs (target, slot) a scheduler knows exist, so a sweep every few minutes does not ask the
 * store again for every target it found run already (at 100k users that was seconds each time).
 * Only runs known to exist are kept, and a run is never deleted while its slot is within reach,
 * so an answer from here is the store's; anything not known is asked of the store.
 */
export class KnownRuns {
  private readonly bySlot = new Map<string, Set<string>>();

  constructor(private readonly store: Pick<Store, 'hasRun'>) {}

  /** Whether the target has a run for the slot (run key), asking the store unless known. */
  has(target: Target, slot: string): boolean {
    if (this.bySlot.get(slot)?.has(targetKey(target))) return true;
    if (!this.store.hasRun(target, slot)) return false;
    this.add(target, slot);
    return true;
  }

  /** Notes a run the store holds now (one just claimed). */
  add(target: Target, slot: string): void {
    let known = this.bySlot.get(slot);
    if (!known) this.bySlot.set(slot, (known = new Set()));
    known.add(targetKey(target));
  }

  /** Forgets slots before `before`: no pass looks that far back. */
  forgetBefore(before: Date): void {
    for (const slot of this.bySlot.keys()) if (Date.parse(slot.slice(0, 24)) < before.getTime()) this.bySlot.delete(slot);
  }
}
