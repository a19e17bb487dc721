import type { types } from '@slack/bolt';
import { cutGraphemes, itemActions, truncate, withRatedPapers, type Action, type PaperItem, type Reply } from '../../core/reply.js';
import { ACTION_ID_PREFIX, encodeActionValue } from './action-value.js';
import { escapeMrkdwn, mrkdwnLink, userMention } from './mrkdwn.js';

type Block = types.KnownBlock;
type Button = types.Button;

/** Block Kit limits (and a margin under the ~13k characters that trigger msg_blocks_too_long). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  blocksChars: 12_000,
  buttonText: 75,
  buttonsPerBlock: 25,
  contextElements: 10,
  fallbackText: 3000,
} as const;

const TITLE_CHARS = 250;
/** "Why this paper" beside the id: a few words, however long the topic. */
const REASON_CHARS = 200;
const URL_CHARS = 1000;

/** What chat.postMessage and response_url take. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export interface RenderOptions {
  /** Adds "Shared by @user" when a person shared the reply to the channel. */
  sharedBy?: string;
}

/**
 * Renders a neutral Reply as one Block Kit message that fits Slack's limits whatever the text
 * inside; papers that do not fit are counted in a notice. Anything that sends papers a person must
 * see (digests, "Show them") uses renderMessages instead, which leaves none out.
 */
export function renderReply(reply: Reply, options: RenderOptions = {}): SlackMessage {
  return renderOne(withRatedPapers(reply), options).message;
}

/**
 * A Reply as as many messages as its papers need (usually one): the title and text on the first,
 * the notices and buttons on the last, every paper on exactly one of them.
 */
export function renderMessages(given: Reply, options: RenderOptions = {}): SlackMessage[] {
  const reply = withRatedPapers(given);
  const papers = reply.papers ?? [];
  const out: SlackMessage[] = [];
  let from = 0;
  for (;;) {
    const first = out.length === 0;
    const rest = papers.slice(from);
    const whole = renderOne(first ? { ...reply, papers: rest } : { ...continued(reply), papers: rest, notices: reply.notices, actions: reply.actions }, options);
    if (whole.shown === rest.length) {
      out.push(whole.message);
      return out;
    }
    // Not all fit with the tail: this part takes what fits without it, the tail waits for the last.
    const part: Reply = first ? { visibility: reply.visibility, title: reply.title, text: reply.text, isError: reply.isError } : continued(reply);
    const fit = renderOne({ ...part, papers: rest }, options).shown;
    const take = fit > 0 || !first ? Math.max(1, fit) : 0;
    out.push(renderOne({ ...part, papers: rest.slice(0, take) }, options).message);
    from += take;
  }
}

/** A later part of a split reply: no header of its own. */
function continued(reply: Reply): Reply {
  return { visibility: reply.visibility };
}

function renderOne(reply: Reply, options: RenderOptions): { message: SlackMessage; shown: number } {
  const head: Block[] = [];
  if (reply.title) head.push(header(reply.title));
  if (reply.text) head.push(...textSections(reply.isError ? `:warning: ${reply.text}` : reply.text));

  const papers = (reply.papers ?? []).map(paperBlocks);
  // Reserve room for the tail with one extra notice, in case some papers must be left out.
  const reserve = tailBlocks(reply, options, 1);
  let blocks = head.slice(0, SLACK_LIMITS.blocks - reserve.length);
  let shown = 0;
  for (const pair of papers) {
    if (blocks.length + pair.length + reserve.length > SLACK_LIMITS.blocks) break;
    if (blocksChars([...blocks, ...pair, ...reserve]) + 200 > SLACK_LIMITS.blocksChars) break;
    blocks.push(...pair);
    shown += 1;
  }
  blocks.push(...tailBlocks(reply, options, papers.length - shown));
  while (blocksChars(blocks) > SLACK_LIMITS.blocksChars && blocks.length > 1) blocks = blocks.slice(0, -1);
  if (blocks.length === 0) blocks.push(section(' '));
  return { message: { text: fallbackText(reply), blocks }, shown };
}

function header(title: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: plainText(title, SLACK_LIMITS.headerText), emoji: false } };
}

/** plain_text pings no one, but Slack still decodes the three entities in it: escape alike. */
function plainText(text: string, max: number): string {
  return clipEscaped(escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').trim(), max)), max);
}

function section(mrkdwn: string, accessory?: Button): Block {
  return { type: 'section', text: mrkdwnText(mrkdwn || ' '), ...(accessory ? { accessory } : {}) };
}

/** verbatim: Slack links only our explicit <...> markup, never a bare "@channel" or #name in the text. */
function mrkdwnText(text: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Long text becomes several sections, each within the per-section limit. */
function textSections(text: string): Block[] {
  const out: Block[] = [];
  let rest = escapeMrkdwn(text);
  // At most three sections (~9k characters): the papers and buttons keep room within the total.
  while (rest.length > 0 && out.length < 3) {
    const part = clipEscaped(rest, SLACK_LIMITS.sectionText);
    out.push(section(part));
    rest = rest.slice(part.endsWith('…') ? part.length - 1 : part.length);
  }
  return out;
}

function paperBlocks(paper: PaperItem, index: number): Block[] {
  const title = truncate(paper.title.replace(/\s+/g, ' ').trim(), TITLE_CHARS);
  const link = paper.url.length <= URL_CHARS ? mrkdwnLink(paper.url, title) : mrkdwnLink('', title);
  const first = `*${link}*`;
  const snippet = clipEscaped(escapeMrkdwn(paper.snippet), SLACK_LIMITS.sectionText - first.length - 1);
  // The first plain action sits beside the paper; the others ("Follow papers like this", 👍 / 👎) in a row under it.
  const actions = itemActions(paper);
  const [action, ...others] = actions.filter((a) => !isRating(a));
  const more = [...others, ...actions.filter(isRating)];
  const accessory = action ? button(action, `${ACTION_ID_PREFIX}${action.kind}:p${index}`) : undefined;
  const context: types.MrkdwnElement[] = [mrkdwnText(`id: \`${escapeMrkdwn(truncate(paper.id, 100))}\`${paper.byline ? ` · ${escapeMrkdwn(truncate(paper.byline, 300))}` : ''}`)];
  if (paper.reason) context.push(mrkdwnText(escapeMrkdwn(truncate(paper.reason, REASON_CHARS))));
  const blocks: Block[] = [section(snippet ? `${first}\n${snippet}` : first, accessory), { type: 'context', elements: context }];
  const buttons = more.map((a, i) => button(a, `${ACTION_ID_PREFIX}${a.kind}:p${index}b${i + 1}`)).filter((b): b is Button => b !== undefined);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons.slice(0, SLACK_LIMITS.buttonsPerBlock) });
  return blocks;
}

const isRating = (a: Action) => a.kind === 'rate-up' || a.kind === 'rate-down';

function tailBlocks(reply: Reply, options: RenderOptions, omitted: number): Block[] {
  const lines = (reply.notices ?? []).map((n) => escapeMrkdwn(n));
  if (omitted > 0) lines.push(`${omitted} more not shown here: Slack allows only so much in one message.`);
  const mention = options.sharedBy ? userMention(options.sharedBy) : undefined;
  if (mention) lines.push(`Shared by ${mention}`);
  const blocks: Block[] = [];
  if (lines.length > 0) {
    const kept = lines.slice(0, SLACK_LIMITS.contextElements - 1);
    const extra = lines.slice(SLACK_LIMITS.contextElements - 1);
    if (extra.length > 0) kept.push(extra.join(' · '));
    blocks.push({ type: 'context', elements: kept.map((text) => mrkdwnText(clipEscaped(text, SLACK_LIMITS.sectionText))) });
  }
  const buttons = (reply.actions ?? [])
    .map((action, i) => button(action, `${ACTION_ID_PREFIX}${action.kind}:a${i}`))
    .filter((b): b is Button => b !== undefined)
    .slice(0, SLACK_LIMITS.buttonsPerBlock);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  return blocks;
}

/** A button whose value carries the action; none if the action would not fit. */
function button(action: Action, actionId: string): Button | undefined {
  const value = encodeActionValue(action);
  if (value === undefined) return undefined;
  const label = plainText(action.label, SLACK_LIMITS.buttonText) || 'Open';
  // Rating buttons stay small (two under every digest paper); their label is an emoji alone.
  if (isRating(action)) return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label }, value };
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: label, emoji: false }, value, ...(action.kind === 'share' ? { style: 'primary' as const } : {}) };
}

/** The notification and accessibility text: escaped like any mrkdwn. */
function fallbackText(reply: Reply): string {
  const parts = [reply.title, reply.text, ...(reply.papers ?? []).map((p) => `• ${p.title}`)].filter((p): p is string => Boolean(p));
  const text = escapeMrkdwn(parts.join('\n'));
  return clipEscaped(text, SLACK_LIMITS.fallbackText) || ' ';
}

/** Cuts escaped text to `max` characters without splitting an entity such as `&amp;`. */
export function clipEscaped(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = cutGraphemes(text, Math.max(0, max - 1)).replace(/&[a-z]{0,4}$/, '');
  return cut + '…';
}

function blocksChars(blocks: Block[]): number {
  return JSON.stringify(blocks).length;
}
