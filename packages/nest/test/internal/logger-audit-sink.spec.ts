/**
 * The default audit sink's `isEnabled()` gate: it may only say "disabled" when Nest would really
 * drop the line. Each case is checked against what Nest actually writes to stdout.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { LoggerService, LogLevel } from '@nestjs/common';
import type { AuditEvent } from '@portcullis/core';
import { loggerAuditSink } from '../../src/internal/logger-audit-sink.js';

const EVENT = Object.freeze({
  type: 'portcullis.decision',
  time: '2026-11-27T00:00:00.000Z',
  decision: 'allow',
  reason: 'ALLOW',
}) as AuditEvent;

/** Runs the sink once and returns what reached stdout/stderr or a custom logger. */
function written(sink: (e: AuditEvent) => void, custom?: { lines: string[] }): string[] {
  const out: string[] = [];
  const capture = (chunk: unknown): boolean => {
    out.push(String(chunk));
    return true;
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture as never);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture as never);
  try {
    sink(EVENT);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  return [...out, ...(custom?.lines ?? [])].filter((l) => l.includes('portcullis.decision'));
}

function customLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: unknown): void => void lines.push(String(message));
  return { lines, log: record, error: record, warn: record, debug: record, verbose: record };
}

afterEach(() => {
  // Back to Nest's default: its own ConsoleLogger, every level.
  Logger.overrideLogger(new ConsoleLogger());
  Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']);
  Logger.detachBuffer();
});

describe('loggerAuditSink().isEnabled', () => {
  const cases: Array<[string, () => { lines: string[] } | undefined, boolean]> = [
    ['logging off (logger: false)', () => (Logger.overrideLogger(false), undefined), false],
    ["default logger, levels ['error', 'warn']", () => (Logger.overrideLogger(['error', 'warn']), undefined), false],
    ["default logger, levels ['log']", () => (Logger.overrideLogger(['log']), undefined), true],
    [
      "a ConsoleLogger with levels ['error']",
      () => (Logger.overrideLogger(new ConsoleLogger({ logLevels: ['error'] as LogLevel[] })), undefined),
      false,
    ],
    [
      'a custom logger, even with levels set (it decides for itself)',
      () => {
        const custom = customLogger();
        Logger.overrideLogger(custom);
        Logger.overrideLogger(['error']);
        return custom;
      },
      true,
    ],
    [
      "a ConsoleLogger subclass with levels ['error'] (it may override log)",
      () => {
        const custom = { lines: [] as string[] };
        class Forwarding extends ConsoleLogger {
          override log(message: unknown): void {
            custom.lines.push(String(message));
          }
        }
        Logger.overrideLogger(new Forwarding({ logLevels: ['error'] as LogLevel[] }));
        return custom;
      },
      true,
    ],
  ];

  it.each(cases)('%s → enabled %s, and it matches what Nest writes', (_name, setUp, expected) => {
    const custom = setUp();
    const sink = loggerAuditSink();
    expect(sink.isEnabled?.()).toBe(expected);
    // Never "disabled" for a line that would have been written.
    expect(written(sink, custom).length > 0).toBe(expected);
  });

  it('is enabled while logs are buffered (they are written later, by the logger set then)', () => {
    Logger.overrideLogger(false);
    Logger.attachBuffer();
    expect(loggerAuditSink().isEnabled?.()).toBe(true);
  });

  it('follows changes at run time', () => {
    const sink = loggerAuditSink();
    Logger.overrideLogger(false);
    expect(sink.isEnabled?.()).toBe(false);
    Logger.overrideLogger(new ConsoleLogger());
    expect(sink.isEnabled?.()).toBe(true);
  });

  it('a logger passed in has no gate: every event is sent to it', () => {
    const custom = customLogger();
    const sink = loggerAuditSink(custom);
    expect(sink.isEnabled).toBeUndefined();
    sink(EVENT);
    expect(custom.lines).toEqual([`portcullis.decision ${JSON.stringify(EVENT)}`]);
  });
});
