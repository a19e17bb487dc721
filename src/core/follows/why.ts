import { truncate } from '../reply.js';
import type { Paper } from '../types.js';

/** A reason line stays this short on every platform (it sits beside the paper's id and byline). */
export const REASON_MAX = 160;
const TOPIC_MAX = 60;
const TITLE_MAX = 70;

/** What a delivered paper came from: the follow, and the evidence its match carried. */
export interface ReasonSource {
  /** The follow's topic of words; undefined for a follow by example. */
  topic?: string;
  /** The topic's own words and phrases the paper has (SearchHit.matched). */
  matched?: string[];
  /** For a follow by example: the example the paper is closest to. */
  like?: Paper;
  /** True when the topic's words did not match the paper: it came because it is like papers the person rated 👍. */
  likeRated?: boolean;
}

const quoted = (text: string, max: number) => `“${truncate(text.replace(/\s+/g, ' ').trim(), max)}”`;

/**
 * "Why this paper", in a few plain words: which follow it came from and what matched. Plain text
 * like every Reply string: each adapter escapes it.
 */
export function reasonText(source: ReasonSource): string {
  let text: string;
  if (source.like) text = `Why: like ${quoted(source.like.title, TITLE_MAX)}`;
  else {
    const follow = source.topic === undefined ? 'your follow' : quoted(source.topic, TOPIC_MAX);
    if (source.likeRated) text = `Why: ${follow}, like papers you rated 👍`;
    else if (source.matched?.length) text = `Why: ${follow}, found ${source.matched.map((w) => `“${w}”`).join(', ')}`;
    else text = `Why: ${follow}, close to the papers that match it`;
  }
  return truncate(text, REASON_MAX);
}
