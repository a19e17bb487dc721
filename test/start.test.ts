import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs `npm start` as a person would, with stdin piped; resolves when it exits. */
function npmStart(input: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD)_/.test(k) && k !== 'PAPERBOY_CONFIG'));
  const child = spawn('npm', ['start', '--silent'], { env: { ...clean, LOG_LEVEL: 'warn', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('npm start on the console platform', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-start-'));

  it('answers piped commands and exits at the end of input', async () => {
    const run = await npmStart('/papers search diffusion\n/papers follow diffusion models\nfollows\n/papers frobnicate\n', { DATA_DIR: dataDir, PORT: '0' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Papers for “diffusion”');
    expect(run.stdout).toMatch(/ 1\. .*\n .*\n +p-[0-9a-z]+ +https:\/\//);
    expect(run.stdout).toContain('[m1] More like this');
    expect(run.stdout).toContain('Following “diffusion models”');
    expect(run.stdout).toContain('1. diffusion models');
    expect(run.stdout).toContain('! I don\'t know the command "frobnicate".');
  });

  it('remembers follows across a restart (SQLite under DATA_DIR)', async () => {
    const run = await npmStart('/papers follows\n', { DATA_DIR: dataDir, PORT: '0' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1. diffusion models');
  });

  it('refuses to start on a bad configuration value, naming the option', async () => {
    const run = await npmStart('', { DATA_DIR: dataDir, LOG_LEVEL: 'loud' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('log.level = "loud" is not allowed');
    expect(run.stdout).toBe('');
  });

  it('exits by itself when whoever reads its output goes away (npm start | head)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end('/papers search diffusion\n/papers search graph neural networks\n/papers search agents\n');
    child.stdout.once('data', () => {
      child.stdout.destroy();
      child.stderr.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
  });
});
