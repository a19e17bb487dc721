import { itemActions, withRatedPapers, type Action, type Reply } from '../../core/reply.js';

/** Control characters (ANSI escapes included) from user or corpus text could repaint the terminal. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/** What typing a key does: run a command as if a button were pressed. */
export type Choice = Pick<Action, 'command' | 'args' | 'visibility'>;

/**
 * Keys: numbers are papers (the number shown beside each, so page 2 is 6-10), letters are the
 * reply's buttons ([n] Next, [p] Previous, [f] Follow, [s] Share, [m] N more: Show them), and a paper's own buttons are
 * a letter and its number ([m6] More like paper 6, [l6] Follow papers like paper 6, [u6] 👍 and [d6] 👎 on a digest's paper 6).
 */
const KEY_OF_KIND: Partial<Record<Action['kind'], string>> = { 'next-page': 'n', 'prev-page': 'p', follow: 'f', 'follow-like': 'l', share: 's', similar: 'm', 'show-more': 'm', 'rate-up': 'u', 'rate-down': 'd' };

function keyFor(action: Action, taken: Set<string>, suffix = ''): string {
  const preferred = [KEY_OF_KIND[action.kind], ...action.label.toLowerCase().replace(/[^a-z]/g, '')];
  const letter = preferred.find((k) => k && !taken.has(k + suffix)) ?? [...'abcdeghijklopqrtuvwxyz'].find((k) => !taken.has(k + suffix))!;
  taken.add(letter + suffix);
  return letter + suffix;
}

/**
 * A Reply as readable terminal text, with the keys that press its buttons. Typing a paper's
 * number shows that paper.
 */
export function renderText(given: Reply): { text: string; choices: Map<string, Choice> } {
  const reply = withRatedPapers(given);
  const lines: string[] = [];
  const choices = new Map<string, Choice>();
  const taken = new Set<string>();
  const press = (action: Action, suffix = '') => {
    const key = keyFor(action, taken, suffix);
    choices.set(key, action);
    return `[${key}] ${action.label}`;
  };
  if (reply.title) lines.push(clean(reply.title), '');
  if (reply.text) lines.push(...clean(reply.text).split('\n').map((line) => (reply.isError ? `! ${line}` : line)));
  const first = reply.firstNumber ?? 1;
  reply.papers?.forEach((paper, i) => {
    const number = String(first + i);
    choices.set(number, { command: 'show', args: { id: paper.id } });
    if (i > 0 || reply.text) lines.push('');
    lines.push(`${number.padStart(2)}. ${clean(paper.title)}`);
    if (paper.byline) lines.push(`    ${clean(paper.byline)}`);
    if (paper.reason) lines.push(`    ${clean(paper.reason)}`);
    lines.push(`    ${clean(paper.snippet)}`);
    const own = itemActions(paper).map((a) => press(a, number)).join('  ');
    lines.push(`    ${paper.id}  ${paper.url}${own ? `  ${own}` : ''}`);
  });
  if (reply.notices?.length) lines.push('', ...reply.notices.map(clean));
  if (reply.actions?.length) lines.push(reply.actions.map((a) => press(a)).join('  '));
  return { text: lines.join('\n'), choices };
}

/** "12", "m6" or "N": a key typed at the prompt (case ignored), not a command. */
export function isChoiceKey(text: string): boolean {
  return /^(\d+|[a-z]\d*)$/i.test(text);
}
