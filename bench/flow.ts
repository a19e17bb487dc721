/**
 * Flow control under load, against the bot as a separate process (`node src/main.ts`, Slack
 * HTTP mode, local fake Slack in this process):
 * - burst: 50 senders for 8 s, each firing a signed `/papers search` every 20 ms without waiting
 *   for answers; the bot's RSS is sampled throughout, then a new command is timed;
 * - shutdown: SIGTERM while a digest post hangs, timed to exit.
 * `npx tsx bench/flow.ts` prints the section.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUSY_TEXT } from '../src/core/flow/inflight-gate.js';
import { defaultStorePath, openSqliteStore } from '../src/core/store/sqlite.js';
import { percentile } from './lib/measure.js';
import { FakeSlack, signature, slashCommandBody } from '../test/fakes/slack.js';
import { printSectionWhenMain } from './lib/main.js';

const SENDERS = 50;
const BURST_MS = 8_000;
const EVERY_MS = 20;
const SECRET = 'bench-signing-secret';
const QUERIES = ['diffusion', 'state space models', 'graph neural networks', 'LLM reasoning', 'RLHF', 'mixture of experts'];
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

interface Bot {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
}

function startBot(fake: FakeSlack, dataDir: string, extraEnv: Record<string, string> = {}): Promise<Bot> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD)_/.test(k) && k !== 'PAPERBOY_CONFIG'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...env, PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json', DATA_DIR: dataDir, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const port = /"msg":"slack listening"/.test(log) ? /"port":(\d+)[^\n]*"msg":"slack listening"/.exec(log)?.[1] : undefined;
      if (port && /Paperboy ready/.test(log)) {
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        done({ child, port: Number(port), exited });
      }
    });
    void exited.then((code) => fail(new Error(`bot exited (${code}) before it was ready:\n${log}`)));
  });
}

function rssMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
}

/** One signed slash command; resolves with the ack's status and body (never rejects). */
function post(port: number, agent: Agent, text: string, responseUrl: string): Promise<{ status: number; body: string }> {
  const body = slashCommandBody(text, responseUrl);
  const ts = Math.floor(Date.now() / 1000);
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(SECRET, ts, body), 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      res.on('error', () => done({ status: 0, body: '' }));
    });
    req.on('error', () => done({ status: 0, body: '' }));
    req.end(body);
  });
}

interface BurstResult {
  sent: number;
  acked: number;
  busy: number;
  failed: number;
  answeredOnUrl: number;
  peakRssMb: number;
  hwmMb: number;
  /** After the burst: a new command's answer (any), and its first real (not busy) answer. */
  nextAnswerMs: number;
  nextRealAnswerMs: number;
  ackMs: number[];
  /** From the end of the burst until the last request fired in it was acked. */
  drainMs: number;
  /** CPU seconds used during the run: the bot process, and this (sender + fake Slack) process. */
  botCpuS: number;
  benchCpuS: number;
  wallS: number;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function burst(): Promise<BurstResult> {
  const fake = await new FakeSlack().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-bench-burst-'));
  const bot = await startBot(fake, dataDir);
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const r: BurstResult = { sent: 0, acked: 0, busy: 0, failed: 0, answeredOnUrl: 0, peakRssMb: 0, hwmMb: 0, nextAnswerMs: NaN, nextRealAnswerMs: NaN, ackMs: [], drainMs: NaN, botCpuS: 0, benchCpuS: 0, wallS: 0 };
  const botCpu0 = cpuSeconds(bot.child.pid!);
  const benchCpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const sampler = setInterval(() => (r.peakRssMb = Math.max(r.peakRssMb, rssMb(bot.child.pid!, 'VmRSS'))), 200);
  const pending: Promise<void>[] = [];
  let lastAck = 0;
  const until = Date.now() + BURST_MS;
  await Promise.all(Array.from({ length: SENDERS }, async (_, s) => {
    while (Date.now() < until) {
      const { url } = fake.newResponseUrl();
      r.sent++;
      const t0 = performance.now();
      // Fired and not awaited: the sender goes on at once, as in the fault run.
      pending.push(post(bot.port, agent, `search ${QUERIES[(r.sent + s) % QUERIES.length]}`, url).then(({ status, body }) => {
        r.ackMs.push(performance.now() - t0);
        lastAck = performance.now();
        if (status !== 200) r.failed++;
        else if (body.includes(BUSY_TEXT.slice(0, 20))) r.busy++;
        else r.acked++;
      }));
      await new Promise((next) => setTimeout(next, EVERY_MS));
    }
  }));
  const burstEnd = performance.now();
  // A new command every second until one gets a real answer on its response_url.
  for (let tries = 0; tries < 60 && Number.isNaN(r.nextRealAnswerMs); tries++) {
    const { id, url } = fake.newResponseUrl();
    const ack = await post(bot.port, new Agent(), 'help', url);
    if (Number.isNaN(r.nextAnswerMs) && ack.status === 200) r.nextAnswerMs = performance.now() - burstEnd;
    if (ack.status === 200 && !ack.body.includes(BUSY_TEXT.slice(0, 20))) {
      await fake.response(id, 1, 30_000).then(() => (r.nextRealAnswerMs = performance.now() - burstEnd), () => undefined);
    } else {
      await new Promise((next) => setTimeout(next, 1000));
    }
  }
  await Promise.all(pending);
  r.drainMs = lastAck - burstEnd;
  clearInterval(sampler);
  r.hwmMb = rssMb(bot.child.pid!, 'VmHWM');
  r.botCpuS = cpuSeconds(bot.child.pid!) - botCpu0;
  const benchCpu = process.cpuUsage(benchCpu0);
  r.benchCpuS = (benchCpu.user + benchCpu.system) / 1e6;
  r.wallS = (performance.now() - wall0) / 1000;
  r.answeredOnUrl = fake.responses.length;
  bot.child.kill('SIGTERM');
  await bot.exited;
  agent.destroy();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
  return r;
}

async function shutdownWithHungSend(): Promise<{ exitMs: number; code: number | null; claimed: number }> {
  const fake = await new FakeSlack().start();
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-bench-stop-'));
  const now = new Date();
  const configFile = join(dataDir, 'config.yaml');
  writeFileSync(configFile, `digests:\n  defaultTime: "${new Date(now.getTime() - 120_000).toISOString().slice(11, 16)}"\n  defaultTimeZone: UTC\n`);
  const seeded = openSqliteStore(defaultStorePath(dataDir));
  seeded.addFollow({ platform: 'slack', workspace: 'T1', user: 'UHUNG' }, 'diffusion models', new Date(now.getTime() - 3600_000));
  seeded.close();
  fake.fail('chat.postMessage', ...Array.from({ length: 20 }, () => ({ stall: true as const })));
  const bot = await startBot(fake, dataDir, { PAPERBOY_CONFIG: configFile });
  await fake.waitFor(() => fake.callsTo('chat.postMessage').length > 0, 'the digest post', 60_000);
  const t0 = performance.now();
  bot.child.kill('SIGTERM');
  const code = await bot.exited;
  const exitMs = performance.now() - t0;
  const store = openSqliteStore(defaultStorePath(dataDir));
  const claimed = store.pendingRuns().length;
  store.close();
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { exitMs, code, claimed };
}

export async function run(): Promise<string> {
  const load = loadavg().map((l) => l.toFixed(1)).join(' / ');
  const b = await burst();
  const s = await shutdownWithHungSend();
  return [
    '## Flow control: a burst of senders, and SIGTERM with a hung send',
    '',
    `Load average when it started (1 / 5 / 15 min): ${load}; the sender, the fake Slack and the bot share the machine's cores.`,
    '',
    `The bot as its own process (\`node src/main.ts\`, Slack HTTP mode, seed corpus, SQLite), against a local fake Slack in the bench process. Burst: ${SENDERS} senders for ${BURST_MS / 1000} s, each firing a signed \`/papers search\` every ${EVERY_MS} ms without waiting for the answer (${b.sent} requests). Commands in flight per platform: 64 (\`flow.commandsInFlight\`); past it the ack itself says the bot is busy.`,
    '',
    '| measure | value | target |',
    '|---|---:|---|',
    `| requests acked and run | ${b.acked} | |`,
    `| requests answered "busy" in the ack | ${b.busy} | |`,
    `| requests failed (no HTTP 200) | ${b.failed} | |`,
    `| ack latency during the burst, p50 / p99 | ${(percentile(b.ackMs, 50) / 1000).toFixed(2)} s / ${(percentile(b.ackMs, 99) / 1000).toFixed(2)} s | Slack wants < 3 s |`,
    `| last burst request acked, after the burst ended | ${(b.drainMs / 1000).toFixed(2)} s | |`,
    `| answers posted to response_url | ${b.answeredOnUrl} | |`,
    `| CPU used over the ${b.wallS.toFixed(0)} s run: bot / sender + fake Slack | ${b.botCpuS.toFixed(1)} s / ${b.benchCpuS.toFixed(1)} s | |`,
    `| bot RSS, peak sampled every 200 ms | ${b.peakRssMb.toFixed(0)} MB | < 800 MB |`,
    `| bot RSS, high-water mark (VmHWM) | ${b.hwmMb.toFixed(0)} MB | < 800 MB |`,
    `| after the burst: a new command answered (ack) | ${(b.nextAnswerMs / 1000).toFixed(2)} s | < 20 s |`,
    `| after the burst: a new command's real answer on response_url | ${(b.nextRealAnswerMs / 1000).toFixed(2)} s | < 20 s |`,
    '',
    `Shutdown: SIGTERM while the only digest post hangs (the fake never answers it): exit ${s.code} after ${(s.exitMs / 1000).toFixed(2)} s (target < 5 s; \`flow.shutdownMs\` 4000), with ${s.claimed} run left claimed for the next start.`,
    '',
  ].join('\n');
}

printSectionWhenMain(import.meta.url, run);
