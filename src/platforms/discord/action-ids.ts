import { randomBytes } from 'node:crypto';
import type { Action } from '../../core/reply.js';

/** Discord's limit on a component's custom_id. */
export const CUSTOM_ID_MAX = 100;
const PREFIX = 'pb';
const KINDS: Record<Action['kind'], string> = { 'next-page': 'n', 'prev-page': 'p', similar: 's', follow: 'f', 'follow-like': 'l', share: 'h', 'show-more': 'm', 'rate-up': 'u', 'rate-down': 'd' };
const KIND_OF = Object.fromEntries(Object.entries(KINDS).map(([k, v]) => [v, k])) as Record<string, Action['kind']>;

export type ButtonAction = Pick<Action, 'kind' | 'command' | 'args' | 'visibility'>;

/** A bounded, least-recently-used memory for actions whose arguments do not fit in a custom_id. */
export class ActionMemory {
  private readonly entries = new Map<string, { action: ButtonAction; at: number }>();

  constructor(
    private readonly maxEntries = 5000,
    private readonly maxAgeMs = 24 * 60 * 60 * 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  remember(action: ButtonAction): string {
    const key = randomBytes(9).toString('base64url');
    this.entries.set(key, { action, at: this.clock() });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return key;
  }

  recall(key: string): ButtonAction | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.clock() - entry.at > this.maxAgeMs) return undefined;
    this.entries.set(key, entry);
    return entry.action;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * "pb" + kind + visibility + either the JSON [command, args] inline, or "~" + a memory key when
 * that would pass 100 characters (or repeat an id already used in the same message).
 */
export function encodeAction(action: ButtonAction, memory: ActionMemory, used?: Set<string>): string {
  const head = `${PREFIX}${KINDS[action.kind]}${action.visibility === 'channel' ? 'c' : 'e'}`;
  let id = head + JSON.stringify([action.command, action.args]);
  if (id.length > CUSTOM_ID_MAX || used?.has(id)) id = `${head}~${memory.remember(action)}`;
  used?.add(id);
  return id;
}

export type DecodedAction = { ok: true; action: ButtonAction } | { ok: false; reason: 'expired' | 'foreign' };

export function decodeAction(customId: string, memory: ActionMemory): DecodedAction {
  const kind = KIND_OF[customId.charAt(2)];
  const scope = customId.charAt(3);
  if (!customId.startsWith(PREFIX) || !kind || (scope !== 'c' && scope !== 'e')) return { ok: false, reason: 'foreign' };
  const rest = customId.slice(4);
  if (rest.startsWith('~')) {
    const action = memory.recall(rest.slice(1));
    return action ? { ok: true, action } : { ok: false, reason: 'expired' };
  }
  try {
    const [command, args] = JSON.parse(rest) as [unknown, unknown];
    if (typeof command !== 'string' || !isArgs(args)) return { ok: false, reason: 'foreign' };
    return { ok: true, action: { kind, command, args, ...(scope === 'c' ? { visibility: 'channel' as const } : {}) } };
  } catch {
    return { ok: false, reason: 'foreign' };
  }
}

function isArgs(value: unknown): value is Record<string, string | number> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number')
  );
}
