import { spawn } from 'node:child_process';

/**
 * `npm start` as an operator runs it, stdin kept open until `end()`, with no platform credentials
 * from the caller's environment. `onCleanup` receives the kill to run after the test.
 */
export function npmStart(env: Record<string, string>, onCleanup: (fn: () => unknown) => void) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SLACK|DISCORD|ARXIV)_/.test(k) && k !== 'PAPERBOY_CONFIG'));
  const child = spawn('npm', ['start', '--silent'], { env: { ...clean, PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  return { send: (line: string) => child.stdin.write(`${line}\n`), end: () => (child.stdin.end(), exited), stdout: () => stdout, stderr: () => stderr };
}
