import type { Attributes, Meter } from '@opentelemetry/api';
import { createNoopMeter } from '@opentelemetry/api';
// The SDK's own hash, as patched (patches/@opentelemetry+sdk-metrics+*.patch): computed once per
// frozen attribute set.
import { hashAttributes } from '@opentelemetry/sdk-metrics/build/src/utils';
import { createIntelrouteMetrics } from '../../../src/telemetry/intelroute-metrics';

/** A meter whose sync instruments keep every attributes object they are given. */
function capturingMeter(): { meter: Meter; seen: Attributes[] } {
  const noop = createNoopMeter();
  const seen: Attributes[] = [];
  const keep = (_value: number, attributes?: Attributes) => {
    if (attributes !== undefined) seen.push(attributes);
  };
  const meter = Object.create(noop) as Meter;
  meter.createCounter = () => ({ add: keep });
  meter.createUpDownCounter = () => ({ add: keep });
  meter.createHistogram = () => ({ record: keep });
  return { meter, seen };
}

describe('metric attribute hashing on the hot path', () => {
  it('hashes a frozen attribute set as the SDK always did, whatever the key order', () => {
    const frozen = Object.freeze({ outcome: 'ack', 'rpc.method': 'PublishStream', code: 0 });
    const same = { code: 0, 'rpc.method': 'PublishStream', outcome: 'ack' };
    expect(hashAttributes(frozen)).toBe(hashAttributes(same));
    expect(hashAttributes(frozen)).toBe(
      '[["code",0],["outcome","ack"],["rpc.method","PublishStream"]]',
    );
    expect(hashAttributes(Object.freeze({}))).toBe('');
  });

  it('does not keep the hash of a frozen set holding an array (its contents can still change)', () => {
    const countries = ['FR'];
    const attributes = Object.freeze({ countries });
    const before = hashAttributes(attributes);
    countries.push('DE');
    expect(hashAttributes(attributes)).not.toBe(before);
  });

  it('records every per-message metric with one frozen attributes object per label set', () => {
    const { meter, seen } = capturingMeter();
    const metrics = createIntelrouteMetrics(meter);
    const perMessage = () => {
      metrics.messageReceived({ messageType: 'seizure-report', originCountry: 'FR' });
      metrics.messageAccepted({ messageType: 'seizure-report', originCountry: 'FR' });
      metrics.publishDuration('PublishStream', 'ack', 0.004);
      metrics.produceDuration(3, { component: 'gateway', outcome: 'ok' });
      metrics.rpcCallEnded('Publish', 0, 0.005);
    };
    perMessage();
    const first = [...seen];
    perMessage();
    expect(first).toHaveLength(5);
    expect(first.every((attributes) => Object.isFrozen(attributes))).toBe(true);
    expect(seen.slice(5)).toEqual(first);
    seen.slice(5).forEach((attributes, index) => expect(attributes).toBe(first[index]));
  });
});
