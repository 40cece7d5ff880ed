import { readDirectoryRecord } from '../../../src/services/readers';
import { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import { fixturePayload, payloadBytes, validEnvelope } from '../../helpers/envelopes';

function record(key: string | null, envelope: Envelope | null) {
  return {
    partition: 1,
    offset: '7',
    key: key === null ? null : Buffer.from(key),
    value: envelope === null ? null : Buffer.from(Envelope.encode(envelope).finish()),
  };
}

describe('readDirectoryRecord', () => {
  it('reads a contact-point update as the current entry of its country', () => {
    const envelope = validEnvelope('contact-point-update');
    const reading = readDirectoryRecord(record('IT', envelope));
    expect(reading).toMatchObject({
      kind: 'entry',
      entry: {
        country: 'IT',
        status: 'active',
        action: 'update',
        effectiveFrom: '2025-05-01',
        effectiveUntil: '2027-04-30',
        messageId: envelope.messageId,
        origin: 'ncb:IT',
        partition: 1,
        offset: '7',
        contactPoint: fixturePayload('contact-point-update'),
      },
    });
  });

  it('marks a withdrawal, and removes the country on a tombstone', () => {
    const withdraw = validEnvelope('contact-point-update', {
      payload: payloadBytes({
        action: 'withdraw',
        country: 'IT',
        unit: { name: 'x' },
        effectiveFrom: '2025-06-30',
      }),
    });
    expect(readDirectoryRecord(record('IT', withdraw))).toMatchObject({
      kind: 'entry',
      entry: { status: 'withdrawn', effectiveUntil: null },
    });
    expect(readDirectoryRecord(record('IT', null))).toEqual({ kind: 'removed', country: 'IT' });
  });

  it('skips records that do not make sense, saying why', () => {
    const update = validEnvelope('contact-point-update');
    expect(readDirectoryRecord(record('it', update))).toMatchObject({
      kind: 'skipped',
      why: 'key is not a country code',
    });
    expect(readDirectoryRecord(record('FR', update))).toMatchObject({
      why: 'payload country differs from key',
    });
    expect(readDirectoryRecord(record('IT', validEnvelope('seizure-report')))).toMatchObject({
      why: 'message type seizure-report',
    });
    const notJson = validEnvelope('contact-point-update', { payload: Buffer.from('[1]') });
    expect(readDirectoryRecord(record('IT', notJson))).toMatchObject({
      why: 'payload is not a JSON object',
    });
  });
});
