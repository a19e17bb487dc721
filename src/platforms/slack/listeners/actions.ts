import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { commandName, confirmShown, errorReply, findCommand, runAction, type CommandOutcome } from '../../../core/commands/index.js';
import { UserError } from '../../../core/errors.js';
import { slackPerson } from '../../../core/identity.js';
import { ACTION_ID_PATTERN, decodeActionValue } from '../action-value.js';
import { errorSummary, isSlackAdmin } from '../admin.js';
import type { SlackListenerDeps } from '../listener-deps.js';
import { markRating } from '../rating-marks.js';
import { respondWith } from '../respond.js';

/** Buttons on our replies: ack, run what the button's value names as the presser, answer. */
export function register(app: App, deps: SlackListenerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACTION_ID_PATTERN }, async ({ ack, body, action, respond, client }) => {
    await ack();
    const started = performance.now();
    await deps.turn();
    const user = body.user.id;
    const workspace = body.team?.id ?? body.user.team_id ?? '';
    const who = {
      platform: 'slack' as const,
      workspace,
      channel: body.channel?.id ?? body.container?.channel_id ?? '',
      user,
      person: slackPerson(user, workspace, body.enterprise?.id || body.team?.enterprise_id),
    };
    const value = decodeActionValue(action.value);
    const def = value ? findCommand(deps.commands, value.command.split(' ')) : undefined;
    let result: CommandOutcome;
    if (!value || !def) {
      deps.log.warn({ actionId: action.action_id }, 'slack button with an unknown value');
      result = { reply: errorReply(new UserError('That button no longer works. Please run the command again.')), outcome: 'user_error' };
    } else {
      const isAdmin = def.requires === 'channel-admin' ? await isSlackAdmin(client, user, deps.digestAdmins, deps.log) : false;
      result = await runAction(deps.context, deps.commands, value, { ...who, isAdmin });
    }
    const shared = value?.visibility === 'channel' && result.reply.visibility === 'channel';
    deps.metrics.commandHandled('slack', def ? commandName(def) : 'unknown', result.outcome, (performance.now() - started) / 1000);
    // A 👍 / 👎 answers quietly: the message it was pressed on shows the rating (an ephemeral one has no blocks here: it gets the reply).
    const message = (body as { message?: { text?: string; blocks?: unknown[] } }).message;
    if (result.outcome === 'ok' && result.reply.rated && Array.isArray(message?.blocks)) {
      try {
        await respond({ replace_original: true, text: message.text ?? ' ', blocks: markRating(message.blocks as never[], result.reply.rated) as never[] });
        return;
      } catch (err) {
        deps.log.warn({ err: errorSummary(err) }, 'slack rating: could not update the message; answering instead');
      }
    }
    if (await respondWith(respond, result.reply, deps.log, shared ? { sharedBy: user } : {})) confirmShown(deps.context, result.reply);
  });
}
