import type { CommandDef } from './definition.js';
import { digestAdd } from './digest-add.js';
import { digestList } from './digest-list.js';
import { digestPause, digestResume } from './digest-pause.js';
import { digestRemove } from './digest-remove.js';
import { follow } from './follow.js';
import { follows } from './follows.js';
import { helpCommand } from './help.js';
import { more } from './more.js';
import { rate } from './rate.js';
import { reset } from './reset.js';
import { search } from './search.js';
import { settingsPause, settingsResume } from './settings-pause.js';
import { settingsTime } from './settings-time.js';
import { show } from './show.js';
import { similar } from './similar.js';
import { sources } from './sources.js';
import { unfollow } from './unfollow.js';

/** Every /papers command. Slack and console parsing, Discord registration and help all read this. */
export const commands: readonly CommandDef[] = [
  search, show, similar, follow, unfollow, follows, rate, reset, more, sources,
  digestAdd, digestList, digestRemove, digestPause, digestResume,
  settingsTime, settingsPause, settingsResume,
  helpCommand(() => commands),
];
