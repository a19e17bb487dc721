import type { Store } from './store/port.js';
import { PackedKeys } from './packed-keys.js';

/**
 * What a planning pass's prefetch read: for the targets about to be planned and the papers their
 * topics lead with, which target has which paper (delivered, or planned by a claimed run). Kept
 * as numbers: per target, the numbers of its papers in one flat array, since a pass at 100k users
 * reads about a million pairs and a Set per target cost more than the read itself.
 */
export class DeliveredPairs {
  private constructor(
    private readonly targets: PackedKeys,
    private readonly papers: Map<string, number>,
    /** Target t's papers are paperOf[start[t]] up to paperOf[start[t + 1]]. */
    private readonly start: Int32Array,
    private readonly paperOf: Int32Array,
  ) {}

  /** Reads, in one store query, which of `targetKeys` has which of `paperIds`. */
  static read(store: Store, targetKeys: readonly string[], paperIds: readonly string[]): DeliveredPairs {
    const targets = PackedKeys.of(targetKeys);
    const papers = new Map<string, number>();
    for (const id of paperIds) if (!papers.has(id)) papers.set(id, papers.size);
    let pairTarget: Int32Array = new Int32Array(1024);
    let pairPaper: Int32Array = new Int32Array(1024);
    let pairs = 0;
    store.eachDelivered([...papers.keys()], (id, holders) => {
      const p = papers.get(id);
      if (p === undefined) return;
      for (const key of holders) {
        const t = targets.get(key);
        if (t < 0) continue;
        if (pairs === pairTarget.length) {
          pairTarget = grow(pairTarget);
          pairPaper = grow(pairPaper);
        }
        pairTarget[pairs] = t;
        pairPaper[pairs++] = p;
      }
    });
    // Grouped by target with a counting sort.
    const start = new Int32Array(targetKeys.length + 1);
    for (let i = 0; i < pairs; i++) start[pairTarget[i]! + 1]!++;
    for (let t = 0; t < targetKeys.length; t++) start[t + 1]! += start[t]!;
    const next = start.slice(0, targetKeys.length);
    const paperOf = new Int32Array(pairs);
    for (let i = 0; i < pairs; i++) paperOf[next[pairTarget[i]!]!++] = pairPaper[i]!;
    return new DeliveredPairs(targets, papers, start, paperOf);
  }

  /** The target's number, or -1 when it was not among those read. */
  target(key: string): number {
    return this.targets.get(key);
  }

  /** The paper's number, or -1 when it was not among those read. */
  paper(id: string): number {
    return this.papers.get(id) ?? -1;
  }

  /** Whether target number t has paper number p. */
  has(t: number, p: number): boolean {
    for (let i = this.start[t]!, end = this.start[t + 1]!; i < end; i++) if (this.paperOf[i] === p) return true;
    return false;
  }
}

function grow(a: Int32Array): Int32Array {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}
