import type {
  Attributes,
  BatchObservableResult,
  Counter,
  Histogram,
  Meter,
  Observable,
  ObservableGauge,
  ObservableResult,
  UpDownCounter,
} from '@opentelemetry/api';
import { reportSwallowed, safely } from './never-throw';

/**
 * Recording helpers that never throw into the caller. No closure is made per call (the hot path
 * records a few values per message): each helper is its own try/catch.
 */

/** Adds `value` (default 1) to a counter. */
export function addTo(counter: Counter | UpDownCounter, attributes: Attributes, value = 1): void {
  try {
    counter.add(value, attributes);
  } catch (error) {
    reportSwallowed('recording a metric', error);
  }
}

/** Records a duration or size; negative or NaN values (a clock step) count as 0. */
export function recordIn(histogram: Histogram, value: number, attributes: Attributes): void {
  try {
    histogram.record(value > 0 ? value : 0, attributes);
  } catch (error) {
    reportSwallowed('recording a metric', error);
  }
}

/** Adds a gauge callback that can neither throw into the SDK nor be added twice by mistake. */
export function observeGauge(
  gauge: ObservableGauge,
  report: (result: ObservableResult) => void | Promise<void>,
): () => void {
  const callback = async (result: ObservableResult): Promise<void> => {
    try {
      await report(result);
    } catch (error) {
      reportSwallowed('observing a gauge', error);
    }
  };
  safely(
    'adding a gauge callback',
    () => gauge.addCallback(callback),
    () => undefined,
  );
  return () =>
    safely(
      'removing a gauge callback',
      () => gauge.removeCallback(callback),
      () => undefined,
    );
}

/** Adds one callback observing several instruments; returns its removal. Never throws. */
export function observeBatch(
  meter: Meter,
  observables: Observable[],
  report: (result: BatchObservableResult) => void,
): () => void {
  const callback = (result: BatchObservableResult): void => {
    try {
      report(result);
    } catch (error) {
      reportSwallowed('observing a gauge', error);
    }
  };
  safely(
    'adding a gauge callback',
    () => meter.addBatchObservableCallback(callback, observables),
    () => undefined,
  );
  return () =>
    safely(
      'removing a gauge callback',
      () => meter.removeBatchObservableCallback(callback, observables),
      () => undefined,
    );
}
