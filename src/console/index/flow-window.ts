import type { AuditFlow, SecondCounts } from '../console-model';
import { countEdgeInto, countInto, countRows, flowEdges } from './count-rows';
import type { AuditFact } from './record-facts';
import { senderOfOrigin } from './sender-of';

/** The whole seconds before the current one that acceptedPerSecond/refusedPerSecond average. */
const MEAN_SECONDS = 10;

/** What the trail says of one second (by the records' own time). */
interface SecondBucket {
  second: number;
  accepted: number;
  refused: number;
  readonly bySender: Map<string, number>;
  readonly refusalsByReason: Map<string, number>;
  readonly senderToTopic: Map<string, Map<string, number>>;
  readonly topicToReader: Map<string, Map<string, number>>;
}

/**
 * The flow of the last `windowSeconds` seconds as a ring of per-second buckets: recording touches
 * one bucket, a snapshot sums at most windowSeconds buckets and never looks at stories. A record
 * dated after the clock's current second (writers' clocks differ) counts in the current second;
 * one dated before the window, or without a time, is not counted here.
 */
export class FlowWindow {
  private readonly buckets: SecondBucket[];

  constructor(
    private readonly windowSeconds: number,
    private readonly now: () => number,
  ) {
    this.buckets = Array.from({ length: windowSeconds }, () => ({
      second: Number.NEGATIVE_INFINITY,
      accepted: 0,
      refused: 0,
      bySender: new Map(),
      refusalsByReason: new Map(),
      senderToTopic: new Map(),
      topicToReader: new Map(),
    }));
  }

  record(fact: AuditFact): void {
    if (fact.event !== 'ROUTED' && fact.event !== 'REFUSED' && fact.event !== 'DELIVERED') return;
    const bucket = this.bucketAt(fact.atMs);
    if (bucket === undefined) return;
    if (fact.event === 'ROUTED') {
      const sender = senderOfOrigin(fact.origin);
      bucket.accepted += 1;
      countInto(bucket.bySender, sender);
      for (const { topic } of fact.locations) countEdgeInto(bucket.senderToTopic, sender, topic);
    } else if (fact.event === 'REFUSED') {
      bucket.refused += 1;
      countInto(bucket.refusalsByReason, fact.reason === '' ? 'unknown' : fact.reason);
    } else {
      const reader = fact.reader === '' ? 'unknown' : fact.reader;
      for (const { topic } of fact.locations) countEdgeInto(bucket.topicToReader, topic, reader);
    }
  }

  snapshot(): Omit<AuditFlow, 'totals'> {
    const current = this.currentSecond();
    const bySender = new Map<string, number>();
    const refusalsByReason = new Map<string, number>();
    const senderToTopic = new Map<string, Map<string, number>>();
    const topicToReader = new Map<string, Map<string, number>>();
    const series: SecondCounts[] = [];
    for (let second = current - this.windowSeconds + 1; second <= current; second += 1) {
      const bucket = this.buckets[this.slotOf(second)]!;
      if (bucket.second !== second) {
        series.push({ second, accepted: 0, refused: 0 });
        continue;
      }
      series.push({ second, accepted: bucket.accepted, refused: bucket.refused });
      for (const [key, n] of bucket.bySender) countInto(bySender, key, n);
      for (const [key, n] of bucket.refusalsByReason) countInto(refusalsByReason, key, n);
      addEdges(senderToTopic, bucket.senderToTopic);
      addEdges(topicToReader, bucket.topicToReader);
    }
    return {
      windowSeconds: this.windowSeconds,
      series,
      acceptedPerSecond: meanOfWholeSeconds(series, 'accepted'),
      refusedPerSecond: meanOfWholeSeconds(series, 'refused'),
      bySender: countRows(bySender),
      refusalsByReason: countRows(refusalsByReason),
      senderToTopic: flowEdges(senderToTopic),
      topicToReader: flowEdges(topicToReader),
    };
  }

  /** The bucket of a record's time, emptied first if it held an older second. */
  private bucketAt(atMs: number): SecondBucket | undefined {
    if (!Number.isFinite(atMs)) return undefined;
    const current = this.currentSecond();
    const second = Math.min(Math.floor(atMs / 1000), current);
    if (second <= current - this.windowSeconds) return undefined;
    const bucket = this.buckets[this.slotOf(second)]!;
    if (bucket.second === second) return bucket;
    // The slot holds a later second: the clock went back. Counting there would mix two seconds.
    if (bucket.second > second) return undefined;
    bucket.second = second;
    bucket.accepted = 0;
    bucket.refused = 0;
    bucket.bySender.clear();
    bucket.refusalsByReason.clear();
    bucket.senderToTopic.clear();
    bucket.topicToReader.clear();
    return bucket;
  }

  private currentSecond(): number {
    return Math.floor(this.now() / 1000);
  }

  private slotOf(second: number): number {
    return ((second % this.windowSeconds) + this.windowSeconds) % this.windowSeconds;
  }
}

function addEdges(
  into: Map<string, Map<string, number>>,
  from: ReadonlyMap<string, ReadonlyMap<string, number>>,
): void {
  for (const [source, targets] of from) {
    for (const [target, n] of targets) countEdgeInto(into, source, target, n);
  }
}

/**
 * The mean of the whole seconds before the current one (the last of `series`), over
 * MEAN_SECONDS seconds or the window's whole seconds when it is shorter.
 */
function meanOfWholeSeconds(series: readonly SecondCounts[], key: 'accepted' | 'refused'): number {
  const whole = series.slice(Math.max(0, series.length - 1 - MEAN_SECONDS), series.length - 1);
  if (whole.length === 0) return 0;
  return whole.reduce((sum, counts) => sum + counts[key], 0) / whole.length;
}
