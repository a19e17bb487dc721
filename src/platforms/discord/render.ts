import {
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
} from 'discord.js';
import { cutGraphemes, itemActions, truncate, withRatedPapers, type Action, type PaperItem, type Reply } from '../../core/reply.js';
import { LIMITS } from './limits.js';

export interface RenderedMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
}

/** Turns an action into a button's custom_id; `used` holds the ids already in this message. */
export type ActionEncoder = (action: Action, used: Set<string>) => string;

const COLOR = 0x5865f2;
/** discord.js leaves headings, lists and masked links alone by default; user text must not make them. */
const ESCAPE_ALL = { heading: true, bulletedList: true, numberedList: true, maskedLink: true };
const ERROR_COLOR = 0xd83c3e;

/**
 * A neutral Reply as Discord messages with embeds and buttons, within Discord's limits whatever
 * the text. Usually one message; a reply with more papers than a message holds embeds (a long DM
 * digest) becomes several, numbered on: the header on the first, notices and buttons on the last.
 */
export function renderReply(given: Reply, encode: ActionEncoder): RenderedMessage[] {
  const reply = withRatedPapers(given);
  const papers = reply.papers ?? [];
  const footer = reply.notices?.length ? { text: clip(reply.notices.join('\n'), LIMITS.footer) } : undefined;
  const color = reply.isError ? ERROR_COLOR : COLOR;
  if (papers.length === 0) {
    const message: RenderedMessage = { embeds: [], components: renderButtons(reply.actions ?? [], [], 0, encode) };
    if (!reply.title && !reply.text && !footer) return [{ ...message, content: 'Done.' }];
    const embed: APIEmbed = { color };
    if (reply.title) embed.title = escaped(reply.title, LIMITS.title);
    if (reply.text) embed.description = escaped(reply.text, LIMITS.embedTotal - (embed.title?.length ?? 0) - (footer?.text.length ?? 0), LIMITS.description);
    if (footer) embed.footer = footer;
    return [{ ...message, embeds: [embed] }];
  }
  const header = [reply.title ? `**${escaped(reply.title, LIMITS.title)}**` : '', reply.text ? escaped(reply.text, LIMITS.content - LIMITS.title - 10) : '']
    .filter(Boolean)
    .join('\n');
  const perPage = papersPerMessage(papers, reply.actions ?? []);
  const pages = chunk(papers, perPage);
  return pages.map((page, p) => {
    const last = p === pages.length - 1;
    const offset = (reply.firstNumber ?? 1) - 1 + p * perPage;
    const message: RenderedMessage = {
      embeds: paperEmbeds(page, offset, color, last ? footer : undefined),
      components: renderButtons(last ? reply.actions ?? [] : [], page, offset, encode),
    };
    if (p === 0 && header) message.content = header;
    return message;
  });
}

/**
 * Papers per message: at most 10 embeds, and no more than their buttons fit in the 5 rows of 5
 * (a row kept for the reply's own buttons), so no paper loses its buttons.
 */
export function papersPerMessage(papers: PaperItem[], actions: Action[]): number {
  const each = Math.max(0, ...papers.map((p) => itemActions(p).length));
  if (each === 0) return LIMITS.embeds;
  const rows = LIMITS.rows - (actions.length > 0 ? Math.ceil(actions.length / LIMITS.buttonsPerRow) : 0);
  return Math.max(1, Math.min(LIMITS.embeds, Math.floor((rows * LIMITS.buttonsPerRow) / each)));
}

function paperEmbeds(papers: PaperItem[], offset: number, color: number, footer: APIEmbed['footer']): APIEmbed[] {
  const titles = papers.map((p, i) => {
    const number = `${offset + i + 1}. `;
    return number + escaped(p.title, LIMITS.title - number.length);
  });
  const fixed = titles.reduce((n, t) => n + t.length, 0) + (footer?.text.length ?? 0);
  // Share what is left of the 6,000 characters evenly between the descriptions.
  const each = Math.min(LIMITS.description, Math.floor((LIMITS.embedTotal - fixed) / papers.length));
  return papers.map((paper, i) => {
    const idLine = `\n\`${cutGraphemes(paper.id.replace(/`/g, ''), 76)}\`` + (paper.byline ? `\n${escaped(paper.byline, 300)}` : '') + (paper.reason ? `\n${escaped(paper.reason, 200)}` : '');
    const embed: APIEmbed = { color, title: titles[i], description: escaped(paper.snippet, each - idLine.length) + idLine };
    if (isLink(paper.url)) embed.url = paper.url;
    if (footer && i === papers.length - 1) embed.footer = footer;
    return embed;
  });
}

function renderButtons(actions: Action[], papers: PaperItem[], offset: number, encode: ActionEncoder): RenderedMessage['components'] {
  const used = new Set<string>();
  type Style = ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success;
  const button = (action: Action, label: string, style: Style): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style,
    label: clip(label, LIMITS.buttonLabel),
    custom_id: encode(action, used),
  });
  const paperButtons = papers.flatMap((paper, i) =>
    itemActions(paper).map((a) => button(a, a.kind === 'similar' ? `More like #${offset + i + 1}` : `${a.label} #${offset + i + 1}`, ButtonStyle.Secondary)),
  );
  const replyButtons = actions.map((a) => button(a, a.label, a.kind === 'next-page' ? ButtonStyle.Primary : a.kind === 'share' ? ButtonStyle.Success : ButtonStyle.Secondary));
  const rows = [...chunk(paperButtons, LIMITS.buttonsPerRow), ...chunk(replyButtons, LIMITS.buttonsPerRow)];
  // The reply's own buttons (next page, follow, share) matter more than a tenth paper's.
  const kept = rows.length <= LIMITS.rows || replyButtons.length === 0 ? rows.slice(0, LIMITS.rows) : [...rows.slice(0, LIMITS.rows - 1), rows[rows.length - 1]!];
  return kept.map((components) => ({ type: ComponentType.ActionRow, components }));
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Escapes Discord markdown, then cuts the plain text until the escaped form fits `max`. */
export function escaped(text: string, max: number, hardMax = max): string {
  const limit = Math.max(1, Math.min(max, hardMax));
  // Escaping only lengthens text, so nothing past `limit` can survive: cut first (escaping is slow on long runs).
  let raw = truncate(text, limit);
  let out = escapeMarkdown(raw, ESCAPE_ALL);
  while (out.length > limit) {
    const shorter = truncate(raw, Math.max(1, raw.length - (out.length - limit) - 1));
    if (shorter.length >= raw.length) return cutGraphemes(out, limit).replace(/\\+$/, '');
    raw = shorter;
    out = escapeMarkdown(raw, ESCAPE_ALL);
  }
  return out;
}

function clip(text: string, max: number): string {
  return truncate(text, max);
}

function isLink(url: string): boolean {
  return url.length <= LIMITS.url && /^https?:\/\/[^\s]+$/i.test(url);
}
