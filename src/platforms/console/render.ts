import type { Action, Reply } from '../../core/reply.js';

/** Control characters (ANSI escapes included) from user or corpus text could repaint the terminal. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/**
 * A Reply as readable terminal text. Buttons become numbered choices: typing the number presses it.
 * Returns the text and the actions in the order they were numbered.
 */
export function renderText(reply: Reply): { text: string; actions: Action[] } {
  const lines: string[] = [];
  const actions: Action[] = [];
  const press = (action: Action) => {
    actions.push(action);
    return `[${actions.length}] ${action.label}`;
  };
  if (reply.title) lines.push(clean(reply.title), '');
  if (reply.text) lines.push(...clean(reply.text).split('\n').map((line) => (reply.isError ? `! ${line}` : line)));
  reply.papers?.forEach((paper, i) => {
    if (i > 0 || reply.text) lines.push('');
    lines.push(`${String(i + 1).padStart(2)}. ${clean(paper.title)}`);
    if (paper.byline) lines.push(`    ${clean(paper.byline)}`);
    lines.push(`    ${clean(paper.snippet)}`);
    const own = (paper.actions ?? []).map(press).join('  ');
    lines.push(`    ${paper.id}  ${paper.url}${own ? `  ${own}` : ''}`);
  });
  if (reply.notices?.length) lines.push('', ...reply.notices.map(clean));
  if (reply.actions?.length) lines.push(reply.actions.map(press).join('  '));
  return { text: lines.join('\n'), actions };
}
