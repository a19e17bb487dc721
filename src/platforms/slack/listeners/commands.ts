import type { App } from '@slack/bolt';
import { commandName, confirmShown, errorReply, parseCommandText, runCommand, type CommandOutcome } from '../../../core/commands/index.js';
import { UserError } from '../../../core/errors.js';
import { slackPerson } from '../../../core/identity.js';
import { isSlackAdmin } from '../admin.js';
import { SLASH_COMMAND, type SlackListenerDeps } from '../listener-deps.js';
import { respondWith } from '../respond.js';

/** `/papers <text>`: ack at once with no body, then parse, run and answer on the response_url. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    await ack();
    const started = performance.now();
    await deps.turn();
    const who = {
      platform: 'slack' as const, workspace: command.team_id, channel: command.channel_id, user: command.user_id,
      // In an Enterprise Grid org the payload names the org, and the user id is the same in each of its workspaces.
      person: slackPerson(command.user_id, command.team_id, command.enterprise_id),
    };
    let name = 'unparsed';
    let result: CommandOutcome;
    try {
      const { def, args } = parseCommandText(deps.commands, command.text ?? '');
      name = commandName(def);
      // users.info only when the command needs it: most commands answer without the extra call.
      const isAdmin = def.requires === 'channel-admin' ? await isSlackAdmin(client, command.user_id, deps.digestAdmins, deps.log) : false;
      result = await runCommand(deps.context, def, { ...who, isAdmin }, args);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      result = { reply: errorReply(err), outcome: 'user_error' };
    }
    deps.metrics.commandHandled('slack', name, result.outcome, (performance.now() - started) / 1000);
    if (await respondWith(respond, result.reply, deps.log)) confirmShown(deps.context, result.reply);
  });
}
