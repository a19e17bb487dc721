import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installLastResort } from '../src/app/last-resort.js';
import { capturedLogger } from './support/log-capture.js';

describe('the last line of defence', () => {
  it('logs an uncaught exception and an unhandled rejection, and keeps the app running', () => {
    const proc = new EventEmitter();
    const { lines, log } = capturedLogger();
    const stops: string[] = [];
    installLastResort(proc, log, { stop: (why) => stops.push(why) });
    proc.emit('uncaughtException', new Error('boom in a listener'), 'uncaughtException');
    proc.emit('unhandledRejection', new Error('a forgotten promise'), Promise.resolve());
    expect(stops).toEqual([]);
    expect(lines.map((l) => l.msg)).toEqual([
      'uncaught exception contained by the last line of defence; still serving',
      'unhandled rejection contained by the last line of defence; still serving',
    ]);
    expect((lines[0]!.err as { message: string }).message).toBe('boom in a listener');
  });

  it('stops the app gracefully once, on a storm of such errors within a minute', () => {
    const proc = new EventEmitter();
    const { log } = capturedLogger();
    let now = 0;
    const stops: string[] = [];
    installLastResort(proc, log, { stop: (why) => stops.push(why), maxPerMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) proc.emit('uncaughtException', new Error(`e${i}`));
    now += 61_000;
    for (let i = 0; i < 3; i++) proc.emit('uncaughtException', new Error(`f${i}`));
    expect(stops).toEqual([]);
    for (let i = 0; i < 3; i++) proc.emit('unhandledRejection', new Error(`g${i}`));
    expect(stops).toEqual(['unhandled rejection storm']);
  });
});
