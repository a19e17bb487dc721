import { describe, expect, it } from 'vitest';
import { killLoop } from './fixtures/kill-loop.js';

describe('Slack digests under SIGKILL at random moments (slow answers, some after the client timeout)', () => {
  it('every target gets its digest once: 0 duplicate messages or papers, nothing left claimed or failed', async () => {
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
    const result = await killLoop({ users: 8, channels: 2, kills: 3, maxCallsBeforeKill: 6, timeoutMs: 150, seed });
    expect({ seed, ...result }).toMatchObject({
      seed,
      kills: 3,
      duplicateMessages: 0,
      duplicatePapers: 0,
      targetsWithoutDigest: 0,
      pendingRuns: 0,
      failedRuns: 0,
      messages: 8 + 2 * 2,
    });
  }, 600_000);
});
