import { createInterface } from 'node:readline';
import { confirmShown, parseCommandText, runAction, runCommand, errorReply, type CommandOutcome } from '../../core/commands/index.js';
import type { Deliverer } from '../../core/deliverer.js';
import { UserError } from '../../core/errors.js';
import type { Action } from '../../core/reply.js';
import type { AdapterDeps, PlatformAdapter } from '../platform.js';
import { renderText } from './render.js';

export interface ConsoleOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Show a prompt (stdin is a terminal). */
  interactive: boolean;
  /** Called once input has ended and every command read has been answered. */
  onEnd(): void;
}

/** The one local person the console speaks for: allowed everything, as the admin at the keyboard. */
export const CONSOLE_USER = { platform: 'console', workspace: 'local', channel: 'console', user: 'you', isAdmin: true } as const;

const PROMPT = 'papers> ';

/** Reads "/papers ..." lines from stdin, prints replies and digests to stdout. */
export function createConsoleAdapter(deps: AdapterDeps, options: ConsoleOptions): PlatformAdapter {
  const { output } = options;
  let lastActions: Action[] = [];
  let reader: ReturnType<typeof createInterface> | undefined;
  let queue = Promise.resolve();

  const print = (text: string) => output.write(`${text}\n`);

  const handle = async (line: string): Promise<void> => {
    const text = line.trim().replace(/^\/papers\b/i, '').trim();
    if (!line.trim()) return;
    if (/^(quit|exit)$/i.test(text)) return void reader?.close();
    const started = performance.now();
    let name = 'unknown';
    let result: CommandOutcome;
    const pressed = /^\d+$/.test(text) ? lastActions[Number(text) - 1] : undefined;
    if (/^\d+$/.test(text) && !pressed) {
      result = { reply: errorReply(new UserError(`There is no button [${text}] on the last reply.`)), outcome: 'user_error' };
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
    lastActions = rendered.actions;
    print(`${rendered.text}\n`);
    confirmShown(deps.context, result.reply);
  };

  const deliverer: Deliverer = {
    platform: 'console',
    async send(target, reply) {
      const heading = target.kind === 'user' ? 'Digest for you' : `Digest for #${target.id}`;
      // Its buttons ("N more: Show them") are numbered like a reply's: typing the number presses one.
      const rendered = renderText(reply);
      if (rendered.actions.length > 0) lastActions = rendered.actions;
      print(`\n=== ${heading} (${new Date().toISOString()}) ===\n${rendered.text}\n`);
      if (options.interactive) output.write(PROMPT);
      return { messageId: `console-${Date.now()}` };
    },
  };

  return {
    platform: 'console',
    deliverer,
    async start() {
      reader = createInterface({ input: options.input, terminal: false });
      if (options.interactive) {
        print('Paperboy console. Type /papers help, a command such as /papers search diffusion, or quit.');
        output.write(PROMPT);
      }
      reader.on('line', (line) => {
        queue = queue
          .then(() => handle(line))
          .catch((err: unknown) => deps.log.error({ err }, 'console command failed'))
          .then(() => void (options.interactive && output.write(PROMPT)));
      });
      reader.on('close', () => void queue.then(() => options.onEnd()));
    },
    async stop() {
      reader?.close();
      await queue;
    },
    isConnected: () => reader !== undefined,
  };
}

