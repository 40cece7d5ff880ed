import { DedupeWindow } from '../../../src/services/readers/dedupe/dedupe-window';
import {
  parseProcessedMark,
  encodeProcessedMark,
} from '../../../src/services/readers/dedupe/processed-record';

describe('DedupeWindow', () => {
  it('remembers an id for the window, then forgets it', () => {
    const window = new DedupeWindow(1000, 10);
    window.add('a', 5000, 5000);
    expect(window.has('a', 5999)).toBe(true);
    expect(window.has('a', 6000)).toBe(false);
    expect(window.size).toBe(0); // expired entries are dropped on sight
  });

  it('drops expired entries when adding, oldest first', () => {
    const window = new DedupeWindow(1000, 10);
    window.add('old', 0, 0);
    window.add('mid', 500, 500);
    window.add('new', 1200, 1200);
    expect(window.size).toBe(2);
    expect(window.has('old', 1200)).toBe(false);
    expect(window.has('mid', 1200)).toBe(true);
  });

  it('keeps at most maxEntries, evicting the oldest', () => {
    const window = new DedupeWindow(60_000, 3);
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) window.add(id, i, i);
    expect(window.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => window.has(id, 10))).toEqual([false, true, true, true]);
  });

  it('moves a re-added id to the newest end', () => {
    const window = new DedupeWindow(60_000, 2);
    window.add('a', 1, 1);
    window.add('b', 2, 2);
    window.add('a', 3, 3);
    window.add('c', 4, 4);
    expect(window.has('a', 5)).toBe(true);
    expect(window.has('b', 5)).toBe(false);
  });

  it('ignores an id whose time is already outside the window', () => {
    const window = new DedupeWindow(1000, 10);
    window.add('stale', 0, 5000);
    expect(window.size).toBe(0);
  });
});

describe('processed marks', () => {
  const source = { topic: 't', partition: 1, offset: '42' };

  it('round-trip for their own group only, keyed by origin and id', () => {
    const record = encodeProcessedMark('p', {
      group: 'intelroute.reader.country.FR',
      identity: 'ncb:DE|m-1',
      messageId: 'm-1',
      processedAtMs: Date.parse('2025-03-14T09:30:00.000Z'),
      source,
      instanceId: 'i',
    });
    expect(record.key.toString()).toBe('intelroute.reader.country.FR|ncb:DE|m-1');
    expect(parseProcessedMark('intelroute.reader.country.FR', record.key, record.value)).toEqual({
      identity: 'ncb:DE|m-1',
      processedAtMs: Date.parse('2025-03-14T09:30:00.000Z'),
    });
    expect(
      parseProcessedMark('intelroute.reader.country.DE', record.key, record.value),
    ).toBeUndefined();
  });

  it('skip tombstones and unreadable values', () => {
    const key = Buffer.from('g|m');
    expect(parseProcessedMark('g', key, null)).toBeUndefined();
    expect(parseProcessedMark('g', key, Buffer.from('{'))).toBeUndefined();
    expect(parseProcessedMark('g', key, Buffer.from('{"processedAt":"never"}'))).toBeUndefined();
  });
});
