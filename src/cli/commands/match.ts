import { UserError } from '../../core/errors.js';
import { requirePaper } from '../../core/commands/show.js';
import { matchByExample } from '../../core/follows/by-example.js';
import type { SearchHit } from '../../core/search-port.js';
import { UsageError, type CliCommand } from '../command.js';
import { learnedCandidates } from '../../core/learning/rerank.js';
import { learnedMatch } from '../../core/learning/topic-learning.js';
import { formatHits, idTitleJson } from '../format.js';
import { feedbackOf, parseMatchLine, type MatchInput } from './match-input.js';

export const match: CliCommand = {
  name: 'match',
  usage: '(--topic "<t>" | --batch) [--json]',
  summary: 'Every paper a follow would deliver; --batch reads one topic (or JSON object, e.g. {"like": ["<id>"]}, {"topic": "...", "feedback": {"<id>": 1|-1}}) per stdin line.',
  options: { json: { type: 'boolean' }, batch: { type: 'boolean' }, topic: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  async run(ctx) {
    const json = ctx.values.json === true;
    const topic = ctx.values.topic;
    const batch = ctx.values.batch === true;
    // Neither given: topics may be piped in, but a terminal would only wait in silence.
    if ((batch && typeof topic === 'string') || (!batch && topic === undefined && ctx.stdinIsTerminal)) {
      throw new UsageError('match needs exactly one of --topic "<t>" or --batch (topics on stdin, one a line)');
    }
    const index = await ctx.index();
    const hitsOf = (input: MatchInput): SearchHit[] => {
      const feedback = feedbackOf(input);
      try {
        if (input.like) {
          const hits = matchByExample(index, input.like.map((id) => requirePaper(index, id).id));
          if (feedback.size === 0) return hits;
          // A follow by example learns over its own candidates (it has no words to widen them with).
          const best = hits.reduce((m, h) => Math.max(m, h.score), 0);
          return learnedCandidates({ hits, feedback, wider: () => [], vector: (id) => index.paperVector(id), relevance: (h) => (best > 0 ? h.score / best : 0) });
        }
        return feedback.size > 0 ? learnedMatch(index, input.topic!, feedback) : index.match(input.topic!);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        // Nothing to match on ("the", ""): delivers nothing; an unknown paper id is said on stderr.
        if (input.like) ctx.err(`paperboy: ${err.message}`);
        return [];
      }
    };
    const one = (line: string) => {
      const parsed = parseMatchLine(line);
      // Every input line gets its output line, so answers stay in step with questions.
      if (!parsed.ok) ctx.err(`paperboy: match input ${JSON.stringify(line.slice(0, 80))}: ${parsed.error}`);
      const hits = parsed.ok ? hitsOf(parsed.input) : [];
      const name = parsed.ok ? (parsed.input.topic ?? `like ${parsed.input.like!.join(' ')}`) : line;
      return json ? JSON.stringify(hits.map(idTitleJson)) : `# ${name} (${hits.length} papers)\n${formatHits(hits)}`;
    };
    if (typeof topic === 'string') {
      if (!topic.trim()) {
        ctx.err('paperboy: --topic must not be empty');
        return 2;
      }
      ctx.out(one(topic));
      return;
    }
    for await (const line of ctx.stdinLines()) ctx.out(one(line));
  },
};
