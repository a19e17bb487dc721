import type { CliCommand } from './command.js';
import { corpusStats } from './commands/corpus-stats.js';
import { match } from './commands/match.js';
import { search } from './commands/search.js';
import { show } from './commands/show.js';
import { similar } from './commands/similar.js';
import { sourcesCommand } from './commands/sources.js';
import { digestPreview } from './digest-preview.js';

/** Every CLI subcommand. To add one, write a CliCommand and list it here. */
export const commands: CliCommand[] = [search, show, similar, corpusStats, match, digestPreview, sourcesCommand];
