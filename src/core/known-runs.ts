import type { Store } from './store/port.js';
import { targetKey, type Target } from './types.js';

/**
 * Which targets have a run for a slot, as a scheduler sees them: read from the store in one query
 * the first time a slot is asked about, then kept up to date with the runs this process claims
 * (only it writes runs: a second process on the data folder is refused). At 100k users, asking
 * the store per target took seconds on every 5-minute sweep. Should a person merge move a run
 * in after the read, the claim itself still refuses a second run for the slot.
 */
export class KnownRuns {
  private readonly bySlot = new Map<string, Set<string>>();

  constructor(private readonly store: Pick<Store, 'runTargets'>) {}

  /** Whether the target has a run for the slot (run key). */
  has(target: Target, slot: string): boolean {
    return this.targets(slot).has(targetKey(target));
  }

  /** Notes a run this process just claimed. */
  add(target: Target, slot: string): void {
    this.targets(slot).add(targetKey(target));
  }

  /** Forgets slots before `before`: no pass looks that far back. */
  forgetBefore(before: Date): void {
    for (const slot of this.bySlot.keys()) if (Date.parse(slot.slice(0, 24)) < before.getTime()) this.bySlot.delete(slot);
  }

  private targets(slot: string): Set<string> {
    let known = this.bySlot.get(slot);
    if (!known) this.bySlot.set(slot, (known = this.store.runTargets(slot)));
    return known;
  }
}
