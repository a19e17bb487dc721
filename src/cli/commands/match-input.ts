import { z } from 'zod';
import type { Feedback, Rating } from '../../core/learning/feedback.js';

/**
 * One line of `match --batch` input: a plain topic, or a JSON object naming a topic with the
 * follow's ratings, `{"topic": "...", "feedback": {"<paper id>": 1 | -1}}`. Issue 21 adds `like`.
 */
export const matchInputLine = z.strictObject({
  topic: z.string().trim().min(1, 'topic must not be empty'),
  feedback: z.record(z.string().min(1), z.union([z.literal(1), z.literal(-1)])).optional(),
});

export type MatchInput = { topic: string; feedback: Feedback };

/** A stdin line as a match input; a line that is not a JSON object is a topic. Throws Error with a readable message for a bad object. */
export function parseMatchLine(line: string): MatchInput {
  const text = line.trim();
  if (!text.startsWith('{')) return { topic: line, feedback: new Map() };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('the line starts with "{" but is not valid JSON');
  }
  const parsed = matchInputLine.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; '));
  return { topic: parsed.data.topic, feedback: new Map(Object.entries(parsed.data.feedback ?? {}) as [string, Rating][]) };
}
