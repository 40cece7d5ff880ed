import { AckTracker } from '../../../src/services/readers/subscription/ack-tracker';

const at = (partition: number, offset: number) => ({
  topic: 't',
  partition,
  offset: String(offset),
});

describe('AckTracker', () => {
  it('commits only the contiguous acked prefix of a partition', () => {
    const tracker = new AckTracker<string>();
    const ids = [0, 1, 2, 3].map((o) => tracker.delivered(at(0, o), `m${o}`));
    expect(ids[2]).toBe('t/0/2');
    expect(tracker.inFlight).toBe(4);
    expect(tracker.ack(ids[1]!)).toEqual({ kind: 'acked', location: at(0, 1), data: 'm1' });
    expect(tracker.ack(ids[3]!)).not.toHaveProperty('commitOffset');
    expect(tracker.ack(ids[0]!)).toMatchObject({ kind: 'acked', commitOffset: '2' });
    expect(tracker.ack(ids[2]!)).toMatchObject({ commitOffset: '4' });
    expect(tracker.inFlight).toBe(0);
  });

  it('counts in read order, not offset + 1: transaction markers take offsets that are never read', () => {
    const tracker = new AckTracker<string>();
    const a = tracker.delivered(at(0, 10), 'a');
    const b = tracker.delivered(at(0, 12), 'b'); // 11 was a commit marker
    expect(tracker.ack(b)).not.toHaveProperty('commitOffset');
    expect(tracker.ack(a)).toMatchObject({ commitOffset: '13' });
  });

  it('treats skipped records as done, and moves past them when they lead', () => {
    const tracker = new AckTracker<string>();
    expect(tracker.skipped(at(0, 0))).toBe('1');
    const d = tracker.delivered(at(0, 1), 'd');
    expect(tracker.skipped(at(0, 2))).toBeUndefined(); // behind an unacked delivery
    expect(tracker.ack(d)).toMatchObject({ commitOffset: '3' });
    expect(tracker.inFlight).toBe(0);
  });

  it('keeps partitions apart', () => {
    const tracker = new AckTracker<string>();
    const p0 = tracker.delivered(at(0, 5), 'x');
    const p1 = tracker.delivered(at(1, 5), 'y');
    expect(tracker.ack(p1)).toMatchObject({ location: at(1, 5), commitOffset: '6' });
    expect(tracker.ack(p0)).toMatchObject({ location: at(0, 5), commitOffset: '6' });
  });

  it('answers unknown for an id never delivered, acked twice, or forgotten by a reset', () => {
    const tracker = new AckTracker<string>();
    expect(tracker.ack('t/0/0')).toEqual({ kind: 'unknown' });
    const id = tracker.delivered(at(0, 0), 'm');
    expect(tracker.ack(id).kind).toBe('acked');
    expect(tracker.ack(id)).toEqual({ kind: 'unknown' });
    const again = tracker.delivered(at(0, 1), 'n');
    tracker.reset();
    expect(tracker.inFlight).toBe(0);
    expect(tracker.ack(again)).toEqual({ kind: 'unknown' });
  });

  it('counts a repeated delivery of the same record once', () => {
    const tracker = new AckTracker<string>();
    tracker.delivered(at(0, 0), 'm');
    tracker.delivered(at(0, 0), 'm');
    expect(tracker.inFlight).toBe(1);
  });
});
