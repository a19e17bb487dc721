import { UserError } from '../../core/errors.js';
import { UsageError, type CliCommand } from '../command.js';
import { learnedMatch } from '../../core/learning/topic-learning.js';
import { formatHits, idTitleJson } from '../format.js';
import { parseMatchLine } from './match-input.js';

export const match: CliCommand = {
  name: 'match',
  usage: '(--topic "<t>" | --batch) [--json]',
  summary: 'Every paper a follow of the topic would deliver; --batch reads one topic per stdin line, or a JSON object {"topic", "feedback": {"<id>": 1|-1}}.',
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
    const one = (t: string, feedback: Map<string, 1 | -1> = new Map()) => {
      let hits: ReturnType<typeof index.match> = [];
      try {
        hits = feedback.size > 0 ? learnedMatch(index, t, feedback) : index.match(t);
      } catch (err) {
        if (!(err instanceof UserError)) throw err; // nothing to match on ("the", ""): delivers nothing
      }
      return json ? JSON.stringify(hits.map(idTitleJson)) : `# ${t} (${hits.length} papers)\n${formatHits(hits)}`;
    };
    if (typeof topic === 'string') {
      if (!topic.trim()) {
        ctx.err('paperboy: --topic must not be empty');
        return 2;
      }
      ctx.out(one(topic));
      return;
    }
    let line = 0;
    let bad = 0;
    for await (const text of ctx.stdinLines()) {
      line++;
      let input;
      try {
        input = parseMatchLine(text);
      } catch (err) {
        // One answer line per input line, in order: a bad line answers null and is explained on stderr.
        ctx.err(`paperboy: match input line ${line}: ${(err as Error).message}`);
        ctx.out(json ? 'null' : `# line ${line}: not a topic`);
        bad++;
        continue;
      }
      ctx.out(one(input.topic, new Map(input.feedback)));
    }
    if (bad > 0) return 1;
  },
};
