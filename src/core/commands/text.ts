import { UserError } from '../errors.js';
import type { Args, CommandDef } from './definition.js';


/** Splits on whitespace; "double quotes" (straight or curly) group words. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /["“]([^"”]*)["”]?|(\S+)/g;
  for (const m of text.matchAll(pattern)) tokens.push(m[1] ?? m[2] ?? '');
  return tokens;
}

/** The default text parser: one word per option; a `rest` option takes the rest of the line. */
export function parseOptionsText(def: CommandDef, text: string): Args {
  const visible = def.options.filter((o) => !o.hidden);
  const args: Args = {};
  let rest = text.trim();
  visible.forEach((option) => {
    if (!rest) return;
    if (option.rest) {
      // Taken as typed: quotes around the whole query make it a phrase search, as in the CLI.
      args[option.name] = rest;
      rest = '';
      return;
    }
    const [first = ''] = tokenize(rest);
    args[option.name] = first;
    rest = rest.slice(rest.indexOf(first) + first.length).replace(/^["”]/, '').trim();
  });
  if (rest) throw new UserError(`Too many words after "${def.path.join(' ')}".`);
  return args;
}
