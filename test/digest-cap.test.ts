import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/core/commands/index.js';
import { createDigestPlanner } from '../src/core/digest.js';
import { silentLogger } from '../src/core/log.js';
import { noMetrics } from '../src/core/metrics.js';
import { cutGraphemes, truncate } from '../src/core/reply.js';
import { createScheduler, type CronLike } from '../src/core/scheduler.js';
import { CONSOLE_USER, createConsoleAdapter } from '../src/platforms/console/index.js';
import { createTestContext, testConfig } from './support/context.js';

const inertCron: CronLike = { schedule: () => ({ stop() {}, destroy() {} }) };

describe('cutting text on grapheme boundaries', () => {
  const isWhole = (cut: string, text: string) => {
    const segments = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
    let at = 0;
    for (const s of segments) {
      if (at === cut.length) return true;
      at += s.length;
    }
    return at === cut.length;
  };

  it('never splits a surrogate pair, a ZWJ family, a flag or a letter and its accent', () => {
    const texts = ['ab🚀🚀🚀🚀', 'x👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦', 'flags 🇩🇪🇫🇷🇯🇵🇧🇷', 'cafe\u0301 cafe\u0301 cafe\u0301'];
    for (const text of texts) {
      for (let max = 0; max <= text.length; max++) {
        const cut = cutGraphemes(text, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(isWhole(cut, text)).toBe(true);
        const short = truncate(text, max);
        expect(short.length).toBeLessThanOrEqual(max);
        expect(isWhole(short.replace(/…$/, ''), text)).toBe(true);
      }
    }
  });

  it('leaves text that fits alone and cuts long words with an ellipsis', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('a very long sentence indeed', 12)).toBe('a very long…');
    expect(truncate('🚀🚀🚀', 4)).toBe('🚀…');
  });
});

describe('the DM digest cap', () => {
  it('shows the most relevant papers across follows first, one topic at a time, and offers the rest', async () => {
    const context = await createTestContext({ config: testConfig({ digests: { ...testConfig().digests, size: 5, maxPapers: 4 } }) });
    const user = { platform: 'console' as const, workspace: 'local', user: 'you' };
    const at = new Date('2026-11-20T00:00:00Z');
    const follows = ['reasoning', 'optimization', 'transformers'].map((t) => context.store.addFollow(user, t, at).follow);
    const plan = createDigestPlanner(context.store, context.index, context.config).planUser(user, follows, new Date('2026-11-23T08:00:00Z'));
    expect(plan.paperIds).toHaveLength(4);
    // Round one: the best match of each of the three topics; round two: one more.
    expect(plan.sections.map((s) => s.papers.length).sort()).toEqual([1, 1, 2]);
    expect(plan.followUp!.offered).toHaveLength(15 - 4);
    expect(plan.reply!.actions).toEqual([{ kind: 'show-more', label: '11 more: Show them', command: 'more', args: {} }]);
    expect(plan.reply!.notices![0]).toMatch(/^11 more papers match your follows: press “11 more: Show them” or type \/papers more\. Papers not shown within 7 days age out\.$/);
  });

  it('a channel digest on a topic that cannot be searched tells the channel once what to change, then stays quiet', async () => {
    const context = await createTestContext();
    const digest = context.store.addDigest({ platform: 'slack', workspace: 'T1', channel: 'C1', topic: 'the', schedule: 'daily 09:00', timeZone: 'UTC', size: 5, createdBy: 'U1', created: new Date('2026-11-20T00:00:00Z') });
    const planner = () => createDigestPlanner(context.store, context.index, context.config);
    const first = planner().planChannel(digest);
    expect(first.skipped).toEqual([expect.objectContaining({ topic: 'the', fixable: true })]);
    expect(first.reply?.text).toMatch(/^I can’t search for this channel digest’s topic “the”, so it gets no papers: Type what to search for/);
    expect(first.followUp).toEqual({ offered: [], agedOut: [], told: ['the'] });
    context.store.addTopicNotices(first.target, first.followUp!.told, new Date());
    expect(planner().planChannel(digest).reply).toBeUndefined();
  });

  it('on the console: the digest gives its "Show them" button a key, and pressing it shows and records the rest', async () => {
    const context = await createTestContext({ config: testConfig({ digests: { ...testConfig().digests, size: 5, maxPapers: 3 } }), now: new Date('2026-11-23T08:00:30Z') });
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (c: Buffer) => (printed += c.toString()));
    let ended!: () => void;
    const done = new Promise<void>((resolve) => (ended = resolve));
    const adapter = createConsoleAdapter({ context, commands, log: silentLogger, metrics: noMetrics }, { input, output, interactive: false, onEnd: () => ended() });
    await adapter.start();
    const user = { platform: 'console' as const, workspace: 'local', user: CONSOLE_USER.user };
    for (const t of ['reasoning', 'optimization']) context.store.addFollow(user, t, new Date('2026-11-20T00:00:00Z'));
    const scheduler = createScheduler({ store: context.store, index: context.index, config: context.config, log: silentLogger, cron: inertCron, deliverers: new Map([['console', adapter.deliverer]]), clock: context.now, sleep: async () => {} });
    expect(await scheduler.runDue(context.now())).toMatchObject({ sent: 1 });
    const target = { platform: 'console' as const, workspace: 'local', kind: 'user' as const, id: 'you' };
    const waiting = context.store.offeredPapers(target);
    expect(printed).toContain(`[m] ${waiting.length} more: Show them`);
    input.end('m\n');
    await done;
    expect(printed).toContain('More from your digest');
    expect(context.store.deliveredPapers(target, waiting.map((o) => o.paperId)).size).toBe(3);
    expect(context.store.offeredPapers(target)).toHaveLength(waiting.length - 3);
    await adapter.stop();
  });
});
