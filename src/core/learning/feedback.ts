/**
 * A person's 👍 / 👎 on the papers one of their follows delivered: paper id -> 1 (more like this)
 * or -1 (not this). Kept per person and follow (by the follow's topicKey), never shared.
 */
export type Rating = 1 | -1;
export type Feedback = ReadonlyMap<string, Rating>;

/** "up"/"down" as buttons and commands say it, or 1/-1 as the CLI's JSON lines do; undefined otherwise. */
export function parseRating(value: string | number): Rating | undefined {
  const text = String(value).trim().toLowerCase();
  if (['1', '+1', 'up', 'like', 'yes', '👍'].includes(text)) return 1;
  if (['-1', 'down', 'dislike', 'no', '👎'].includes(text)) return -1;
  return undefined;
}

export const ratingEmoji = (r: Rating) => (r > 0 ? '👍' : '👎');

/** How many 👍 and 👎 a feedback holds. */
export function countRatings(feedback: Feedback): { up: number; down: number } {
  let up = 0;
  for (const r of feedback.values()) if (r > 0) up++;
  return { up, down: feedback.size - up };
}
