import { z } from 'zod';
import { MAX_EXAMPLES } from '../../core/follows/by-example.js';
import type { Rating } from '../../core/learning/feedback.js';

/**
 * One input line of `match --batch --json` (DESIGN.md, "Contracts"): plain text is a topic; a
 * line that starts with "{" is a JSON object: {"topic": "..."}, or {"like": ["<paper id>", ...]}
 * for a follow by example; either may carry "feedback": {"<paper id>": 1 | -1}, the follow's
 * person's 👍 / 👎. One schema for every key a line may carry.
 */
export const matchInputSchema = z
  .object({
    topic: z.string().trim().min(1, 'topic must not be empty').optional(),
    like: z.array(z.string().trim().min(1, 'a paper id must not be empty')).min(1, 'like needs at least one paper id').max(MAX_EXAMPLES, `like takes at most ${MAX_EXAMPLES} paper ids`).optional(),
    feedback: z.record(z.string().min(1), z.union([z.literal(1), z.literal(-1)], { message: 'a rating is 1 (👍) or -1 (👎)' })).optional(),
  })
  .strict()
  .refine((v) => (v.topic === undefined) !== (v.like === undefined), { message: 'give exactly one of "topic" or "like"' });

export type MatchInput = z.infer<typeof matchInputSchema>;

/** The line's ratings as the learning code takes them (empty when it has none). */
export const feedbackOf = (input: MatchInput): Map<string, Rating> => new Map(Object.entries(input.feedback ?? {}) as [string, Rating][]);

/** A line as a match input, or why it is not one (in a few words, for stderr). */
export function parseMatchLine(line: string): { ok: true; input: MatchInput } | { ok: false; error: string } {
  if (!line.trimStart().startsWith('{')) return { ok: true, input: { topic: line } };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
  const parsed = matchInputSchema.safeParse(json);
  if (parsed.success) return { ok: true, input: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') };
}
