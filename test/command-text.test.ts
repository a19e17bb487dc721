import { describe, expect, it } from 'vitest';
import { commands, parseCommandText } from '../src/core/commands/index.js';
import { parseDigestAdd } from '../src/core/commands/digest-add.js';
import { tokenize } from '../src/core/commands/text.js';
import { UserError } from '../src/core/errors.js';

const parse = (text: string) => {
  const { def, args } = parseCommandText(commands, text);
  return { name: def.path.join(' '), args };
};

describe('the /papers text grammar', () => {
  it('gives a search the rest of the line verbatim, quotes and exclusions included', () => {
    expect(parse('search "state space models" -vision')).toEqual({ name: 'search', args: { query: '"state space models" -vision' } });
    expect(parse('SEARCH   LLM agents ')).toEqual({ name: 'search', args: { query: 'LLM agents' } });
  });

  it('reads two-word commands before one-word ones', () => {
    expect(parse('digest list')).toEqual({ name: 'digest list', args: {} });
    expect(parse('settings time 07:30 Europe/Berlin')).toEqual({ name: 'settings time', args: { time: '07:30', timezone: 'Europe/Berlin' } });
  });

  it('keeps a wholly quoted query as typed, so it is a phrase search as in the CLI and the README', () => {
    expect(parse('search "optical illusions"').args).toEqual({ query: '"optical illusions"' });
    expect(parse('follow "graph neural networks"').args).toEqual({ topic: '"graph neural networks"' });
    expect(parse('unfollow 2').args).toEqual({ topic: '2' });
  });

  it('treats an empty command as help', () => {
    expect(parse('  ').name).toBe('help');
  });

  it('refuses an unknown subcommand with a usage hint', () => {
    expect(() => parse('serch diffusion')).toThrowError(UserError);
    try {
      parse('serch diffusion');
    } catch (err) {
      expect((err as UserError).hint).toContain('/papers help');
    }
  });

  it('lists the choices when a group word comes alone or with a wrong second word', () => {
    expect(() => parse('digest')).toThrowError(/add, list, remove/);
    expect(() => parse('digest purge 1')).toThrowError(/add, list, remove/);
  });

  it('refuses extra words after a one-word option', () => {
    expect(() => parse('show p-1 p-2')).toThrowError(UserError);
    expect(() => parse('settings time 07:30 Europe/Berlin extra')).toThrowError(UserError);
  });

  it('tokenizes straight and curly quotes alike', () => {
    expect(tokenize('a “b c” "d e" f')).toEqual(['a', 'b c', 'd e', 'f']);
  });
});

describe('digest add arguments', () => {
  it('splits an unquoted topic at the schedule keyword and takes a trailing time zone', () => {
    expect(parseDigestAdd('graph neural networks weekdays 09:00 Europe/Berlin')).toEqual({
      topic: 'graph neural networks', schedule: 'weekdays 09:00', timezone: 'Europe/Berlin',
    });
  });

  it('takes a quoted topic and a cron expression without a keyword', () => {
    expect(parseDigestAdd('"diffusion models" 0 9 * * 1-5 America/New_York')).toEqual({
      topic: 'diffusion models', schedule: '0 9 * * 1-5', timezone: 'America/New_York',
    });
  });

  it('accepts an explicit cron keyword and no time zone', () => {
    expect(parseDigestAdd('RL cron 30 7 * * *')).toEqual({ topic: 'RL', schedule: '30 7 * * *', timezone: undefined });
  });

  it('refuses a topic with no schedule, or a schedule with no topic', () => {
    expect(() => parseDigestAdd('diffusion models')).toThrowError(UserError);
    expect(() => parseDigestAdd('daily 09:00')).toThrowError(UserError);
  });
});

describe('the registry', () => {
  it('has one entry per path and a usage and example for each', () => {
    const names = commands.map((c) => c.path.join(' '));
    expect(new Set(names).size).toBe(names.length);
    for (const def of commands) {
      expect(def.usage.startsWith(`/papers ${def.path.join(' ')}`)).toBe(true);
      expect(def.example.startsWith(`/papers ${def.path.join(' ')}`)).toBe(true);
    }
  });
});
