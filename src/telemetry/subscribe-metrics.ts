import type { Attributes, Meter } from '@opentelemetry/api';
import { addTo, observeBatch } from './instrument-calls';
import { METRIC } from './metric-names';

/** The streams a Subscribe call reads (`stream` label). */
export type SubscribeStreamKind = 'country-inbox' | 'secretariat' | 'working-group';

/**
 * Why a subscriber's reading resumed: `resubscribe` (the identity subscribed again on this
 * gateway and continues after its last ack), `rebalance` (its group rebalanced: unacked
 * deliveries come again), `window` (an ack made room in a full window of unacked deliveries).
 */
export type SubscribeResumeReason = 'resubscribe' | 'rebalance' | 'window';

/** The counters of one stream kind, attributes built once (a subscription holds one). */
export interface SubscribeStreamMetrics {
  readonly stream: SubscribeStreamKind;
  /** A delivery was handed to the subscriber (a redelivery counts again). */
  delivered(): void;
  resumed(reason: SubscribeResumeReason): void;
}

/** One open subscription as the gauges see it. */
export interface SubscriptionSample {
  readonly stream: SubscribeStreamKind;
  /** Deliveries waiting for the subscriber's ack. */
  readonly unacked: number;
}

export interface SubscribeMetrics {
  subscribeStream(stream: SubscribeStreamKind): SubscribeStreamMetrics;
  /**
   * Reports open subscriptions and their unacked deliveries, per stream kind (0 for a kind with
   * none), from `read()` at each collection; returns the unregister call.
   */
  observeSubscriptions(read: () => Iterable<SubscriptionSample>): () => void;
}

const STREAMS: readonly SubscribeStreamKind[] = ['country-inbox', 'secretariat', 'working-group'];
const REASONS: readonly SubscribeResumeReason[] = ['resubscribe', 'rebalance', 'window'];

/** The Subscribe instruments on `meter`. */
export function createSubscribeMetrics(meter: Meter): SubscribeMetrics {
  const deliveries = meter.createCounter(METRIC.subscribeDeliveries, {
    description: 'Deliveries handed to subscribers (a redelivery counts again)',
    unit: '{delivery}',
  });
  const resumes = meter.createCounter(METRIC.subscribeResumes, {
    description: 'Times a subscriber resumed reading: resubscribe, rebalance, window',
    unit: '{resume}',
  });
  const open = meter.createObservableGauge(METRIC.subscriptionsOpen, {
    description: 'Subscribe calls with an open subscription',
    unit: '{subscription}',
  });
  const unacked = meter.createObservableGauge(METRIC.subscribeUnacked, {
    description: 'Deliveries waiting for the ack of their subscriber',
    unit: '{delivery}',
  });
  const streams = new Map(STREAMS.map((stream) => [stream, streamMetrics(stream)]));

  function streamMetrics(stream: SubscribeStreamKind): SubscribeStreamMetrics {
    const byStream = Object.freeze({ stream });
    const byReason = new Map<SubscribeResumeReason, Attributes>(
      REASONS.map((reason) => [reason, Object.freeze({ stream, reason })]),
    );
    return {
      stream,
      delivered: () => addTo(deliveries, byStream),
      resumed: (reason) => addTo(resumes, byReason.get(reason) ?? { stream, reason }),
    };
  }

  return {
    subscribeStream: (stream) => streams.get(stream) ?? streamMetrics(stream),
    observeSubscriptions: (read) =>
      observeBatch(meter, [open, unacked], (result) => {
        const counts = new Map(STREAMS.map((stream) => [stream, { open: 0, unacked: 0 }]));
        for (const sample of read()) {
          const count = counts.get(sample.stream);
          if (count === undefined) continue;
          count.open += 1;
          if (Number.isFinite(sample.unacked)) count.unacked += Math.max(0, sample.unacked);
        }
        for (const [stream, count] of counts) {
          result.observe(open, count.open, { stream });
          result.observe(unacked, count.unacked, { stream });
        }
      }),
  };
}
