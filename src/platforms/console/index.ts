import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import { confirmShown, parseCommandText, runAction, runCommand, errorReply, type CommandOutcome } from '../../core/commands/index.js';
import type { Deliverer } from '../../core/deliverer.js';
import { UserError } from '../../core/errors.js';
import type { AdapterDeps, PlatformAdapter } from '../platform.js';
import { isChoiceKey, renderText, type Choice } from './render.js';

export interface ConsoleOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** A person at a terminal: line editing, history and a prompt. */
  interactive: boolean;
  /** Where Up/Down history is kept between sessions (interactive only). */
  historyFile?: string;
  /**
   * Called once input has ended (or `quit`) and every command read has been answered.
   * `inputEnded` is false when the app stopped it (a signal); `lines` counts the non-empty lines read.
   */
  onEnd(info: ConsoleEnd): void;
}

/** The one local person the console speaks for: allowed everything, as the admin at the keyboard. */
export const CONSOLE_USER = { platform: 'console', workspace: 'local', channel: 'console', user: 'you', isAdmin: true } as const;

const PROMPT = 'papers> ';
const HISTORY_SIZE = 500;

export interface ConsoleEnd {
  inputEnded: boolean;
  lines: number;
}

export interface ConsoleAdapter extends PlatformAdapter {
  /** Prints the ready block and only then the first prompt. */
  ready(lines: string[]): void;
}

/** Reads "/papers ..." lines from stdin, prints replies and digests to stdout. */
export function createConsoleAdapter(deps: AdapterDeps, options: ConsoleOptions): ConsoleAdapter {
  const { output, interactive } = options;
  let choices = new Map<string, Choice>();
  let reader: Interface | undefined;
  let queue = Promise.resolve();
  let quitting = false;
  let stopping = false;
  let isReady = false;
  let lines = 0;

  const print = (text: string) => output.write(`${text}\n`);
  const prompt = () => {
    if (interactive && isReady && !quitting) reader?.prompt(true);
  };
  /** Output that arrives on its own (a digest) goes above whatever is being typed. */
  const printAbove = (text: string) => {
    if (interactive && isReady) {
      clearLine(output, 0);
      cursorTo(output, 0);
    }
    print(text);
    prompt();
  };

  const handle = async (text: string): Promise<void> => {
    const started = performance.now();
    let name = 'unknown';
    let result: CommandOutcome;
    const key = isChoiceKey(text) ? text.toLowerCase() : undefined;
    const pressed = key === undefined ? undefined : choices.get(key);
    if (key !== undefined && !pressed) {
      const known = [...choices.keys()];
      const hint = known.length ? `Keys on the last reply: ${known.join(', ')}` : 'The last reply had no buttons.';
      result = { reply: errorReply(new UserError(`There is no [${text}] on the last reply.`, hint)), outcome: 'user_error' };
    } else if (pressed) {
      name = pressed.command;
      result = await runAction(deps.context, deps.commands, pressed, CONSOLE_USER);
    } else {
      try {
        const { def, args } = parseCommandText(deps.commands, text);
        name = def.path.join(' ');
        result = await runCommand(deps.context, def, CONSOLE_USER, args);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        result = { reply: errorReply(err), outcome: 'user_error' };
      }
    }
    deps.metrics.commandHandled('console', name, result.outcome, (performance.now() - started) / 1000);
    const rendered = renderText(result.reply);
    // A mistyped key or command leaves the last reply's buttons working; so does a rating, so the
    // rest of a digest can be rated key after key.
    if (!result.reply.isError && !result.reply.rated) choices = rendered.choices;
    print(`${rendered.text}\n`);
    confirmShown(deps.context, result.reply);
  };

  const onLine = (line: string) => {
    if (quitting) return; // lines piped after `quit` are not run
    const text = line.trim().replace(/^\/papers\b/i, '').trim();
    if (!line.trim()) return prompt();
    lines += 1;
    if (/^(quit|exit)$/i.test(text)) {
      quitting = true;
      reader?.close();
      return;
    }
    queue = queue
      .then(() => handle(text))
      .catch((err: unknown) => deps.log.error({ err }, 'console command failed'))
      .then(prompt);
  };

  const deliverer: Deliverer = {
    platform: 'console',
    async send(target, reply) {
      const heading = target.kind === 'user' ? 'Digest for you' : `Digest for #${target.id}`;
      // Its buttons ("N more: Show them") take keys like a reply's: typing the key presses one.
      const rendered = renderText(reply);
      if (rendered.choices.size > 0) choices = rendered.choices;
      printAbove(`\n=== ${heading} (${new Date().toISOString()}) ===\n${rendered.text}\n`);
      return { messageId: `console-${Date.now()}` };
    },
  };

  return {
    platform: 'console',
    deliverer,
    async start() {
      reader = createInterface({
        input: options.input,
        output: interactive ? output : undefined,
        terminal: interactive,
        prompt: PROMPT,
        historySize: HISTORY_SIZE,
        history: interactive ? readHistory(options.historyFile) : [],
        removeHistoryDuplicates: true,
        crlfDelay: Infinity,
      });
      if (interactive && options.historyFile) {
        const file = options.historyFile;
        let saving = true;
        reader.on('history', (history: string[]) => {
          if (!saving) return;
          try {
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, history.join('\n'));
          } catch (err) {
            saving = false; // said once; the session goes on without saved history
            deps.log.warn({ err, file }, 'console history not saved');
          }
        });
      }
      // In raw mode Ctrl+C reaches readline, not the process: treat it like Ctrl+D.
      reader.on('SIGINT', () => reader?.close());
      reader.on('line', onLine);
      reader.on('close', () => {
        quitting = true;
        void queue.then(() => options.onEnd({ inputEnded: !stopping, lines }));
      });
    },
    ready(block) {
      isReady = true;
      if (interactive) print([...block, 'Type /papers help, a command such as /papers search diffusion, or quit. Up and Down recall earlier commands.'].join('\n'));
      prompt();
    },
    async stop() {
      stopping = true;
      quitting = true;
      reader?.close();
      await queue;
    },
    isConnected: () => reader !== undefined,
  };
}

function readHistory(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}
