import { loadConfig } from '../config/index.js';
import { createDigestPlanner } from '../core/digest.js';
import { UserError } from '../core/errors.js';
import { createMemoryStore } from '../core/store/memory.js';
import type { CliCommand } from './command.js';

/** `digest preview --topic "<q>" [--json]`: the digest a new follow of the topic would get now. */
export const digestPreview: CliCommand = {
  name: 'digest preview',
  usage: '--topic "<q>" [--json]',
  summary: 'What a digest for the topic would contain now, as if nothing had been delivered yet.',
  options: { topic: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const topic = ctx.values.topic;
    if (typeof topic !== 'string' || !topic.trim()) {
      ctx.err('paperboy: digest preview needs --topic "<q>"');
      return 2;
    }
    const config = loadConfig();
    const store = createMemoryStore();
    const now = new Date();
    const user = { platform: 'console' as const, workspace: 'cli', user: 'preview' };
    const follow = store.addFollow(user, topic.trim(), now).follow;
    let plan;
    try {
      plan = createDigestPlanner(store, await ctx.index(), config).planUser(user, [follow]);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      ctx.err(`paperboy: ${err.message}`);
      return 2;
    }
    // A topic search cannot look for is skipped by digests; here it is the whole answer.
    const skipped = plan.skipped[0];
    if (skipped) {
      ctx.err(`paperboy: ${skipped.reason}`);
      return 2;
    }
    const papers = plan.sections.flatMap((s) => s.papers);
    if (ctx.values.json) {
      ctx.out(JSON.stringify({ topic: follow.topic, size: config.digests.size, papers: papers.map((p) => ({ id: p.id, title: p.title, url: p.url })) }));
      return;
    }
    if (papers.length === 0) {
      ctx.out(`No papers on “${follow.topic}” yet: a follow would get nothing today.`);
      return;
    }
    ctx.out(`Digest preview for “${follow.topic}” (${papers.length} of at most ${config.digests.size}):`);
    papers.forEach((p, i) => ctx.out(`${i + 1}. ${p.title}\n   ${p.url}`));
  },
};
