import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { paperId } from '../src/core/corpus/index.js';

/** Runs the CLI as a child process, as other tools do, and collects its output. */
function cli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: process.cwd(), env: { ...process.env, CORPUS_DIR: 'seeds' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('cli', { timeout: 30_000 }, () => {
  it('search --json --limit N prints an array of {id, title, score}', async () => {
    const { code, stdout } = await cli(['search', 'speculative decoding', '--json', '--limit', '3']);
    expect(code).toBe(0);
    const hits = JSON.parse(stdout) as { id: string; title: string; score: number }[];
    expect(hits).toHaveLength(3);
    for (const h of hits) {
      expect(Object.keys(h).sort()).toEqual(['id', 'score', 'title']);
      expect(h.id).toMatch(/^p-[0-9a-z]{10}$/);
      expect(typeof h.score).toBe('number');
    }
    expect(hits[0]!.title).toMatch(/speculative decoding/i);
  });

  it('search --batch answers one JSON line per stdin line, in order', async () => {
    const queries = ['hypergraphs', 'the', 'speculative decoding', 'category theory'];
    const { code, stdout } = await cli(['search', '--batch', '--json', '--limit', '2'], `${queries.join('\n')}\n`);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { title: string }[]);
    expect(lines).toHaveLength(queries.length);
    expect(lines[0]![0]!.title).toMatch(/hypergraph/i);
    expect(lines[1]).toEqual([]);
    expect(lines[2]![0]!.title).toMatch(/speculative/i);
    expect(lines[3]![0]!.title).toMatch(/categor/i);
  });

  it('match --batch --json prints the delivered {id, title} set per topic', async () => {
    const { code, stdout } = await cli(['match', '--batch', '--json'], 'diffusion models\nhallucination\n');
    expect(code).toBe(0);
    const [diffusion, hallucination] = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; title: string }[]);
    expect(diffusion!.length).toBeGreaterThan(0);
    expect(Object.keys(diffusion![0]!).sort()).toEqual(['id', 'title']);
    expect(diffusion!.every((p) => /diffusion/i.test(p.title))).toBe(true);
    expect(hallucination!.length).toBeGreaterThan(0);
  });

  it('match --batch --json takes {"like": [ids]} lines for follows by example, and keeps one output line per input line', async () => {
    const lines = [
      '{"like": ["p-ahy3wqk1qh"]}',
      '{"topic": "diffusion models"}',
      '{"like": ["p-nosuchpaper"]}',
      '{"like": []}',
      '{"like": ["p-ahy3wqk1qh"], "topic": "x"}',
      '{not json',
      'diffusion models',
    ];
    const { code, stdout, stderr } = await cli(['match', '--batch', '--json'], `${lines.join('\n')}\n`);
    expect(code).toBe(0);
    const out = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string; title: string }[]);
    expect(out).toHaveLength(lines.length);
    expect(out[0]!.map((p) => p.title)).toContain('FOSI: Hybrid First and Second Order Optimization');
    expect(out[0]!.map((p) => p.id)).not.toContain('p-ahy3wqk1qh');
    expect(out[1]).toEqual(out[6]);
    expect(out[1]!.length).toBeGreaterThan(0);
    for (const i of [2, 3, 4, 5]) expect(out[i]).toEqual([]);
    expect(stderr).toContain('I have no paper with id "p-nosuchpaper"');
    expect(stderr).toContain('like needs at least one paper id');
    expect(stderr).toContain('give exactly one of "topic" or "like"');
    expect(stderr).toContain('not valid JSON');
  });

  it('match --batch --json takes JSON lines with feedback: a 👎 drops papers, a plain line is the unrated follow, a bad line answers []', async () => {
    const plain = await cli(['match', '--batch', '--json'], 'LLM inference\n');
    const base = JSON.parse(plain.stdout) as { id: string }[];
    const disliked = base[0]!.id;
    const lines = ['LLM inference', JSON.stringify({ topic: 'LLM inference', feedback: { [disliked]: -1 } }), JSON.stringify({ topic: 'LLM inference' }), '{"topic": "x", "feedback": {"p-1": 2}}', '{not json'];
    const { code, stdout, stderr } = await cli(['match', '--batch', '--json'], `${lines.join('\n')}\n`);
    expect(code).toBe(0);
    const out = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { id: string }[]);
    expect(out).toHaveLength(lines.length);
    expect(out[0]).toEqual(base);
    expect(out[2]).toEqual(base);
    const rated = out[1]!.map((p) => p.id);
    expect(rated).not.toContain(disliked);
    expect(rated.length).toBeLessThan(base.length);
    for (const id of rated) expect(base.map((p) => p.id)).toContain(id);
    expect(out[3]).toEqual([]);
    expect(out[4]).toEqual([]);
    expect(stderr).toMatch(/feedback\.p-1: a rating is 1/);
    expect(stderr).toMatch(/not valid JSON/);
  });

  it('exits non-zero with usage on stderr for a bad argument', async () => {
    const cases = [['search', 'x', '--limit', 'ten'], ['search', 'x', '--frobnicate'], ['nonsense']];
    const runs = await Promise.all(cases.map((args) => cli(args)));
    runs.forEach(({ code, stderr, stdout }, i) => {
      expect(code, cases[i]!.join(' ')).not.toBe(0);
      expect(stderr).toMatch(/Usage:/);
      expect(stdout).toBe('');
    });
  });

  it('show and corpus stats print JSON', async () => {
    // The id is derived from the title, so it is known before any search.
    const id = paperId('Sliced Recursive Transformer');
    const [show, stats] = await Promise.all([cli(['show', id, '--json']), cli(['corpus', 'stats', '--json'])]);
    const shown = JSON.parse(show.stdout) as { id: string; title: string; url: string };
    expect(shown).toMatchObject({ id, title: 'Sliced Recursive Transformer' });
    expect(shown.url).toMatch(/^https:\/\//);
    expect((JSON.parse(stats.stdout) as { papers: number }).papers).toBe(515);
  });
});
