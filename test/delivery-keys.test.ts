import { describe, expect, it } from 'vitest';
import { partKey } from '../src/core/deliverer.js';
import { idempotencyKey } from '../src/core/digest-targets.js';
import type { Target } from '../src/core/types.js';

const target: Target = { platform: 'slack', workspace: 'T1', kind: 'channel', id: 'C1' };
const slot = '2026-11-23T09:00:00.000Z/digest-3';

describe('idempotency keys', () => {
  it('give each part of a multi-message digest its own stable key; part 0 keeps the run key', () => {
    const run = idempotencyKey(target, slot);
    expect(idempotencyKey(target, slot, 0)).toBe(run);
    const parts = [0, 1, 2, 3].map((i) => idempotencyKey(target, slot, i));
    expect(new Set(parts).size).toBe(4);
    for (const key of parts) expect(key).toMatch(/^pb[0-9a-f]{23}$/);
    expect(idempotencyKey(target, slot, 2)).toBe(partKey(run, 2));
    expect(idempotencyKey({ ...target, id: 'C2' }, slot, 1)).not.toBe(parts[1]);
  });

  it('refuses a part index that is not a whole number >= 0', () => {
    expect(() => partKey('pbx', -1)).toThrow(/part index/);
    expect(() => partKey('pbx', 1.5)).toThrow(/part index/);
  });
});
