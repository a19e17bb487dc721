/**
 * Exactly once on Slack under SIGKILL: the kill loop of test/fixtures/kill-loop.ts at a larger
 * size and with many more kills than `npm test` runs, once as installed from slack/manifest.yml
 * and once without the history scopes (the fallback). `npx tsx bench/slack-kill.ts` prints the section.
 */
import { killLoop, type KillLoopOptions, type KillLoopResult } from '../test/fixtures/kill-loop.js';
import { printSectionWhenMain } from './lib/main.js';

const OPTIONS: KillLoopOptions = { users: 40, channels: 10, kills: 15, maxCallsBeforeKill: 12, timeoutMs: 150, seed: 14 };

export async function run(): Promise<string> {
  const withScopes = await killLoop(OPTIONS);
  const withoutScopes = await killLoop({ ...OPTIONS, withoutHistoryScopes: true });
  const row = (name: string, r: KillLoopResult) =>
    `| ${name} | ${r.kills} | ${r.killsWithPostInFlight} | ${r.postsAnsweredAfterTimeout} | ${r.messages} | ${r.duplicateMessages} | ${r.duplicatePapers} | ${r.targetsWithoutDigest} | ${r.pendingRuns + r.failedRuns} | ${r.historyLookups} | ${r.seconds.toFixed(0)} |`;
  return [
    '## Slack: exactly once under SIGKILL',
    '',
    `${OPTIONS.users} DM digests and ${OPTIONS.channels} channels with two digests each (${OPTIONS.users + OPTIONS.channels * 2} messages due). The bot's digest run (real scheduler, SQLite store, bolt WebClient) is SIGKILLed ${OPTIONS.kills} times, each time on one of the first ${OPTIONS.maxCallsBeforeKill} Web API calls after a start (as it arrives, or as its answer is written), restarted, then let finish. The fake Slack carries each post out on arrival and answers 20-${OPTIONS.timeoutMs * 2} ms later; the client timeout is ${OPTIONS.timeoutMs} ms. Seed ${OPTIONS.seed}.`,
    '',
    '| install | kills | kills with a post in flight | answers after the timeout | messages | duplicate messages | duplicate papers | targets without their digest | runs left claimed or failed | history look-ups | seconds |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('manifest scopes (history look-ups)', withScopes),
    row('without the history scopes (fallback)', withoutScopes),
    '',
    'Target: 0 duplicates and 0 targets without their digest with the manifest\'s scopes. The fallback row is what an install that has not been reinstalled gets: at least once, as before.',
    '',
  ].join('\n');
}

printSectionWhenMain(import.meta.url, run);
