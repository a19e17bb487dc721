import { topicKey, type Follow, type UserPrefs } from './port.js';

/**
 * The rules both stores follow when two places of one person become one (see README, "Identity"):
 * - follows: one list, oldest first; a topic followed in both keeps its oldest follow; past the
 *   cap the oldest are kept and the rest are dropped (the user is told once, on their next command);
 * - prefs (time, zone, pause): the most recently changed wins (`since`); a tie keeps the target's;
 * - deliveries: the union, so nothing sent to either place is sent again;
 * - runs: move to the merged person; a run whose slot the target already has is dropped when
 *   finished (its deliveries are kept) and kept under a suffixed slot while still claimed, so it
 *   is resolved like any other interrupted run and its planned papers stay counted as planned.
 */

/** How many of what moved in one merge, for the log. */
export interface MergeReport {
  persons: number;
  followsKept: number;
  duplicatesCollapsed: number;
  followsDropped: number;
  deliveriesMoved: number;
  runsMoved: number;
}

export const emptyMergeReport = (): MergeReport => ({ persons: 0, followsKept: 0, duplicatesCollapsed: 0, followsDropped: 0, deliveriesMoved: 0, runsMoved: 0 });

/** Combines two follow lists: what to keep (oldest first), which rows to delete, which topics were dropped by the cap. */
export function mergeFollowLists(into: Follow[], from: Follow[], max: number): { keep: Follow[]; duplicates: Follow[]; dropped: Follow[] } {
  const all = [...into, ...from].sort((a, b) => a.created.getTime() - b.created.getTime() || a.id - b.id);
  const seen = new Set<string>();
  const unique: Follow[] = [];
  const duplicates: Follow[] = [];
  for (const f of all) {
    const key = topicKey(f.topic);
    if (seen.has(key)) duplicates.push(f);
    else {
      seen.add(key);
      unique.push(f);
    }
  }
  return { keep: unique.slice(0, max), duplicates, dropped: unique.slice(max) };
}

/** The prefs the merged person keeps: the most recently changed; on a tie, the target's. */
export function newerPrefs(into: UserPrefs | undefined, from: UserPrefs | undefined): UserPrefs | undefined {
  if (!into || !from) return into ?? from;
  return (from.since?.getTime() ?? 0) > (into.since?.getTime() ?? 0) ? from : into;
}

/** The slot a still-claimed run keeps when the merged person already has a run at its slot. */
export function mergedSlot(slot: string, fromScope: string): string {
  return `${slot}/from-${fromScope}`;
}
