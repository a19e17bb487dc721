import { UserError } from '../errors.js';
import type { Args, CommandDef } from './definition.js';


/** Splits on whitespace; "double quotes" (straight or curly) group words. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /["“]([^"”]*)["”]?|(\S+)/g;
  for (const m of text.matchAll(pattern)) tokens.push(m[1] ?? m[2] ?? '');
  return tokens;
}

/** The default text parser: one word per option, the last string option takes the rest verbatim. */
export function parseOptionsText(def: CommandDef, text: string): Args {
  const visible = def.options.filter((o) => !o.hidden);
  const args: Args = {};
  let rest = text.trim();
  visible.forEach((option, i) => {
    if (!rest) return;
    const isLast = i === visible.length - 1;
    if (isLast && option.type === 'string') {
      args[option.name] = unquoteWhole(rest);
      rest = '';
      return;
    }
    const [first = '', ...others] = tokenize(rest);
    args[option.name] = first;
    rest = rest.slice(rest.indexOf(first) + first.length).replace(/^["”]/, '').trim();
    if (isLast && others.length > 0) throw new UserError(`Too many words after "${def.path.join(' ')}".`);
  });
  if (rest) throw new UserError(`"${def.path.join(' ')}" takes no further words.`);
  return args;
}

/** "\"diffusion models\"" -> "diffusion models", but a query with inner quotes stays as typed. */
function unquoteWhole(text: string): string {
  const m = /^["“]([^"“”]*)["”]$/.exec(text);
  return m ? m[1]!.trim() : text;
}
