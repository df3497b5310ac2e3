import { pino } from 'pino';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { eventMessage } from '../../src/events/emitter.js';
import { catalog, createEventEmitter, describeEvent, isEventId, type EventParamName, type EventParams, type EventSink } from '../../src/events/index.js';
import type { NewEvent, StoredEvent } from '../../src/store/types.js';

/** A real, in-memory event sink: an array and a sequence number. */
class MemorySink implements EventSink {
  readonly events: StoredEvent[] = [];
  failWith: Error | undefined;

  async appendEvent(event: NewEvent): Promise<StoredEvent> {
    if (this.failWith !== undefined) throw this.failWith;
    const stored = { ...event, params: { ...event.params }, seq: this.events.length + 1 };
    this.events.push(stored);
    return stored;
  }
}

interface LogLine {
  level: number;
  msg: string;
  event?: number;
  eventId?: number;
  symbol?: string;
  params?: Record<string, string>;
  err?: { message: string };
}

const FIXED = new Date('2025-01-02T03:04:05.678Z');

function setup() {
  const sink = new MemorySink();
  const lines: LogLine[] = [];
  const logger = pino({ level: 'trace' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  const events = createEventEmitter({ sink, logger, now: () => FIXED });
  return { sink, lines, events, levels: logger.levels.values };
}

const backupFailed: EventParams<10560> = {
  'Error Code': '0x80070005',
  'Client User': 'CONTOSO\\admin',
  'Previous MSID': '{prev}',
  'File Name': 'C:\\backup\\secret.bak',
  'Current MSID': '{cur}',
};

describe('createEventEmitter', () => {
  it('stores the event, then logs it at its severity with params in catalog order', async () => {
    const { sink, lines, events, levels } = setup();

    const stored = await events.emit(10560, backupFailed);

    const expected = {
      id: 10560,
      symbol: 'SSO_ERROR_BACKUP_SECRET_FAILED',
      severity: 'error',
      time: FIXED.toISOString(),
      params: {
        'File Name': 'C:\\backup\\secret.bak',
        'Current MSID': '{cur}',
        'Previous MSID': '{prev}',
        'Client User': 'CONTOSO\\admin',
        'Error Code': '0x80070005',
      },
      message: catalog[10560].summary,
    };
    expect(stored).toEqual({ ...expected, seq: 1 });
    expect(sink.events).toEqual([{ ...expected, seq: 1 }]);
    expect(Object.keys(stored.params)).toEqual(catalog[10560].params);

    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      level: levels.error,
      event: 10560,
      symbol: 'SSO_ERROR_BACKUP_SECRET_FAILED',
      params: expected.params,
      msg: catalog[10560].summary,
    });
    expect(Object.keys(line.params ?? {})).toEqual(catalog[10560].params);
    expect(line.err).toBeUndefined();
  });

  it('logs info events at info and warning events at warn', async () => {
    const { lines, events, levels } = setup();

    await events.emit(10559, {
      'File Name': 'f.bak',
      'Current MSID': 'a',
      'Previous MSID': 'b',
      'Client User': 'u',
      'Client Computer': 'c',
    });
    await events.emit(10538, { 'Application Name': 'payroll' });

    expect(lines.map((l) => [l.event, l.level, l.symbol])).toEqual([
      [10559, levels.info, 'SSO_INFO_BACKUP_SECRET_OK'],
      [10538, levels.warn, 'SSO_WARN_APP_DISABLED'],
    ]);
  });

  it('uses the given message instead of the summary, and numbers events in order', async () => {
    const { sink, lines, events } = setup();

    await events.emit(10502, {});
    const second = await events.emit(10564, {}, 'backup.bak is not a Tessera backup file');

    expect(second.seq).toBe(2);
    expect(sink.events.map((e) => e.message)).toEqual([catalog[10502].summary, 'backup.bak is not a Tessera backup file']);
    expect(lines.map((l) => l.msg)).toEqual(sink.events.map((e) => e.message));
    expect(sink.events[0]?.params).toEqual({});
  });

  it('falls back from an empty message to the summary, then the symbol, then the id', () => {
    const entry = { id: 1, symbol: 'SYM' as string | null, summary: 'Summary.' };
    expect(eventMessage(entry, 'given')).toBe('given');
    expect(eventMessage(entry, '')).toBe('Summary.');
    expect(eventMessage(entry, undefined)).toBe('Summary.');
    expect(eventMessage({ ...entry, summary: '' }, undefined)).toBe('SYM');
    expect(eventMessage({ ...entry, summary: '', symbol: null }, undefined)).toBe('ENTSSO event 1');
  });

  it('stores an empty symbol for an event ENTSSO documents without one', async () => {
    const { sink, events } = setup();
    expect(catalog[11016].symbol).toBeNull();

    await events.emit(11016, { '(unlabeled: RPC extended error details)': 'details', 'Error Code': '5' });

    expect(sink.events[0]).toMatchObject({ id: 11016, symbol: '', message: catalog[11016].summary });
  });

  it('still logs the event when the sink fails, then rethrows the sink error', async () => {
    const { sink, lines, events, levels } = setup();
    const failure = new Error('disk full');
    sink.failWith = failure;

    await expect(
      events.emit(10559, {
        'File Name': 'f.bak',
        'Current MSID': 'a',
        'Previous MSID': 'b',
        'Client User': 'u',
        'Client Computer': 'c',
      }),
    ).rejects.toBe(failure);

    expect(sink.events).toEqual([]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: levels.info,
      event: 10559,
      symbol: 'SSO_INFO_BACKUP_SECRET_OK',
      params: { 'File Name': 'f.bak', 'Client User': 'u' },
      msg: catalog[10559].summary,
      err: { message: 'disk full' },
    });
    expect(lines[1]).toMatchObject({ level: levels.error, eventId: 10559, err: { message: 'disk full' } });
    expect(lines[1]?.event).toBeUndefined();
  });

  it('rejects parameters that do not match the catalog, at compile time and at run time', async () => {
    const { sink, lines, events } = setup();
    const { 'Client User': _omitted, ...withoutClientUser } = backupFailed;

    // @ts-expect-error -- 10560 cannot be emitted without its 'Client User'.
    await expect(events.emit(10560, withoutClientUser)).rejects.toThrow(/Client User/);
    // @ts-expect-error -- 'Tracking ID' is not a parameter of 10560.
    await expect(events.emit(10560, { ...backupFailed, 'Tracking ID': 't' })).rejects.toThrow(/Tracking ID/);
    // @ts-expect-error -- parameter values are strings.
    await expect(events.emit(10538, { 'Application Name': 42 })).rejects.toThrow(TypeError);
    // @ts-expect-error -- an event without parameters takes none.
    await expect(events.emit(10502, { extra: 'x' })).rejects.toThrow(/extra/);
    // @ts-expect-error -- 99999 is not an event id.
    await expect(events.emit(99999, {})).rejects.toThrow(/not an event id/);

    expect(sink.events).toEqual([]);
    expect(lines).toEqual([]);
  });
});

describe('describeEvent and isEventId', () => {
  it('describes an event from the catalog', () => {
    const entry = describeEvent(10560);
    expect(entry).toBe(catalog[10560]);
    expect(entry.symbol).toBe('SSO_ERROR_BACKUP_SECRET_FAILED');
    expectTypeOf(entry.params).toEqualTypeOf<readonly ['File Name', 'Current MSID', 'Previous MSID', 'Client User', 'Error Code']>();
  });

  it('recognises catalog ids only', () => {
    expect(isEventId(10560)).toBe(true);
    expect(isEventId(10500)).toBe(true);
    expect(isEventId(99999)).toBe(false);
    expect(isEventId(10560.5)).toBe(false);
    expect(isEventId(Number.NaN)).toBe(false);

    const n: number = 10589;
    if (isEventId(n)) expectTypeOf(describeEvent(n).severity).toEqualTypeOf<'info' | 'warning' | 'error'>();
  });

  it('types parameter names as literals', () => {
    expectTypeOf<EventParamName<10525>>().toEqualTypeOf<'MSID' | 'Client User' | 'Client Computer' | 'Tracking ID'>();
    expectTypeOf<EventParamName<10502>>().toBeNever();
  });
});
