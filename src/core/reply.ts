import type { Target } from './types.js';
import { ratingActions } from './learning/actions.js';

/**
 * A Reply is data, never markup: every string in it is plain text typed by a person or taken
 * from the corpus. Each adapter escapes and renders it within its platform's limits.
 */

export interface PaperItem {
  id: string;
  title: string;
  /** A short plain-text excerpt of the abstract. */
  snippet: string;
  url: string;
  /** Authors, date, arXiv categories and upvotes on one plain line, where known ("A. Author, B. Author et al. · 2026-11-19 · 42 upvotes"). */
  byline?: string;
  /** Why a digest delivered this paper, one short plain line ("Why: “diffusion models”, found “diffusion”"). */
  reason?: string;
  /** Buttons that belong to this paper, such as "More like this". */
  actions?: Action[];
  /**
   * The id of the follow that delivered it: the paper then has 👍 / 👎 buttons for that follow after
   * its own (itemActions), made when rendered. Set by withRatedPapers() from Reply.rateFor (and in
   * digests stored before rateFor).
   */
  rate?: number;
}

/** The paper's buttons: its own, then its follow's 👍 / 👎 when it has a follow to rate for. */
export function itemActions(item: PaperItem): Action[] {
  const own = item.actions ?? [];
  return item.rate === undefined ? own : own.concat(ratingActions(item.rate, item.id));
}

/**
 * A button. Pressing it runs `command` (a registry path such as "search" or "digest list")
 * with `args`, as the user who pressed it. `visibility` overrides where the answer goes:
 * "channel" is how "Share to channel" posts what was only shown to one person.
 */
export interface Action {
  kind: 'next-page' | 'prev-page' | 'similar' | 'follow' | 'follow-like' | 'share' | 'show-more' | 'rate-up' | 'rate-down';
  label: string;
  command: string;
  args: Record<string, string | number>;
  visibility?: 'channel';
}

export interface Reply {
  /** ephemeral: only the person who asked sees it. channel: everyone in the channel. */
  visibility: 'ephemeral' | 'channel';
  title?: string;
  /** Plain-text body. */
  text?: string;
  papers?: PaperItem[];
  /** The number of the first paper when they are a later page of a list (6 for "Showing 6-10"); 1 when omitted. */
  firstNumber?: number;
  /** Short plain-text lines shown after the papers (e.g. "Showing 1-5 of 42"). */
  notices?: string[];
  actions?: Action[];
  /** True when the reply explains a mistake in the request (usage, bad argument, not allowed). */
  isError?: boolean;
  /**
   * Papers this reply shows to a user outside a digest run ("Show them"): the adapter calls
   * confirmShown() once the reply reached them, which records them as delivered; never before.
   */
  shows?: { target: Target; paperIds: string[] };
  /**
   * A rating was given (/papers rate, or a 👍 / 👎 button): the adapter may answer quietly by
   * marking the pressed button on the message instead of posting this reply.
   */
  rated?: { paperId: string; followId: number; rating: 1 | -1 | 0 };
  /**
   * Parallel to papers: the id of the follow each paper is rated for, or null. Beside the items
   * rather than on them, so a digest's items stay shared by every follower of a topic and a plan
   * for 100k users copies none; renderers read the reply through withRatedPapers().
   */
  rateFor?: (number | null)[];
}

/**
 * The reply as renderers take it: each paper's rateFor moved onto the paper as its `rate`, so a
 * slice of the papers (a split message) keeps its buttons.
 */
export function withRatedPapers(reply: Reply): Reply {
  const { rateFor, ...rest } = reply;
  if (!rateFor || !reply.papers) return reply;
  return { ...rest, papers: reply.papers.map((p, i) => (rateFor[i] == null ? p : { ...p, rate: rateFor[i]! })) };
}

/** The label of the button that follows papers like a given one. */
export const FOLLOW_LIKE_LABEL = 'Follow papers like this';

/** The button on a paper that follows papers like it (/papers follow like <id>), as whoever presses it. */
export function followLikeAction(paperId: string): Action {
  return { kind: 'follow-like', label: FOLLOW_LIKE_LABEL, command: 'follow', args: { topic: `like ${paperId}` } };
}

export function textReply(text: string, visibility: Reply['visibility'] = 'ephemeral'): Reply {
  return { visibility, text };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Whether a grapheme boundary surely lies between these two UTF-16 units: both ASCII, and not CR LF. */
const asciiBoundary = (before: number, after: number) => before < 0x80 && after < 0x80 && !(before === 13 && after === 10);

/**
 * The longest start of `text` within `max` UTF-16 units (the unit every platform limit counts)
 * that ends on a grapheme boundary: never half an emoji, a lone surrogate or a split flag.
 */
export function cutGraphemes(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (asciiBoundary(text.charCodeAt(max - 1), text.charCodeAt(max))) return text.slice(0, max);
  // Intl.Segmenter's cost per step grows with the string's length, so only a short window is
  // segmented: from a point that surely is a boundary, to a little past the cut.
  let from = 0;
  for (let p = max - 1; p > 0 && p > max - 512; p--) {
    if (asciiBoundary(text.charCodeAt(p - 1), text.charCodeAt(p))) {
      from = p;
      break;
    }
  }
  let end = from;
  for (const { index, segment } of graphemes.segment(text.slice(from, max + 32))) {
    if (from + index + segment.length > max) break;
    end = from + index + segment.length;
  }
  return text.slice(0, end);
}

/** Cuts plain text to at most `max` characters on a word (else grapheme) boundary, adding an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const cut = cutGraphemes(text, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}

/** At most this many author names before "et al.". */
const BYLINE_AUTHORS = 3;
/** arXiv categories shown, the primary one first. */
const BYLINE_CATEGORIES = 4;

/** The byline of a paper: authors, date, arXiv categories and upvotes where known; undefined when none is. */
export function paperByline(p: { authors?: string[]; published?: string; upvotes?: number; categories?: string[] }): string | undefined {
  const parts: string[] = [];
  if (p.authors?.length) parts.push(p.authors.slice(0, BYLINE_AUTHORS).join(', ') + (p.authors.length > BYLINE_AUTHORS ? ' et al.' : ''));
  if (p.published) parts.push(p.published.slice(0, 10));
  if (p.categories?.length) parts.push(p.categories.slice(0, BYLINE_CATEGORIES).join(', ') + (p.categories.length > BYLINE_CATEGORIES ? ' …' : ''));
  if (p.upvotes !== undefined) parts.push(p.upvotes === 1 ? '1 upvote' : `${p.upvotes} upvotes`);
  return parts.length ? truncate(parts.join(' · '), 300) : undefined;
}
