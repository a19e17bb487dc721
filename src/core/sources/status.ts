import type { SourceState } from '../store/port.js';

export interface SourceStatus extends SourceState {
  enabled: boolean;
  /** Failing for longer than the configured alert time. */
  alert: boolean;
}

/** Every enabled source, and any other that has a record, with whether it is failing past the alert time. */
export function sourceStatuses(enabled: readonly string[], states: SourceState[], now: Date, alertMinutes: number): SourceStatus[] {
  const byName = new Map(states.map((s) => [s.source, s]));
  const names = [...new Set([...enabled, ...byName.keys()])];
  return names.map((name) => {
    const state = byName.get(name) ?? { source: name, fetched: 0, failures: 0 };
    const alert = state.failingSince !== undefined && now.getTime() - state.failingSince.getTime() >= alertMinutes * 60_000;
    return { ...state, enabled: enabled.includes(name), alert };
  });
}

const when = (d: Date | undefined) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'never');

/** Plain lines for one source, for the CLI and /papers sources. */
export function describeSource(s: SourceStatus): string[] {
  return [
    `${s.source}: ${s.enabled ? 'enabled' : 'disabled'}${s.failingSince ? `, failing since ${when(s.failingSince)}` : ''}`,
    `  last success: ${when(s.lastSuccess)}`,
    `  last error:   ${s.lastError ? `${s.lastError} (${when(s.lastErrorAt)})` : 'none'}`,
    `  papers saved: ${s.fetched}`,
  ];
}
