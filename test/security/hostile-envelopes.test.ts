import * as grpc from '@grpc/grpc-js';
import type http2 from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { PublishRefusedError, refusalFromCallStatus, type GatewayClient } from '../../src/client';
import type { Refusal } from '../../src/contract/rich-status';
import { echoText } from '../../src/gateway/client-echo';
import {
  Envelope,
  HandlingCode,
  OriginKind,
} from '../../src/contract/generated/intelroute/v1/envelope';
import { PublishRequest, PublishResult } from '../../src/contract/generated/intelroute/v1/gateway';
import { fixturePayload, validEnvelope } from '../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness';
import { testKafkaClient } from '../helpers/kafka';
import { readAllCommitted } from '../helpers/read-topic';
import {
  connectH2,
  openGrpcStream,
  publishRawBytes,
  publishRequestBytes,
  PUBLISH_STREAM_PATH,
  rawGrpcClient,
  wireStatus,
} from './support/grpc-wire';
import { grpcMessage, readClientPem } from './support/h2-frames';
import {
  envelopeBytesWithCreatedAt,
  publishRequestOf,
  varintField,
} from './support/protobuf-bytes';
import { ncbEnvelope, report } from './support/senders';
import { AuditEvent, auditOnceRefused, deadLetters } from './support/trail';

jest.setTimeout(120_000);

const FR = 'urn:intelroute:ncb:FR';
const DE = 'urn:intelroute:ncb:DE';

/**
 * Envelopes and frames a national system holding a valid certificate can craft, each of which
 * once got through or hurt another sender (in-process gateway, mTLS, real Kafka). Every refusal
 * names its field, and nothing of it is stored but its dead letter and audit record.
 */
describe('hostile envelopes and frames at the gateway (mTLS, real Kafka)', () => {
  let gw: TestGateway;
  const kafka = testKafkaClient();
  let fr: GatewayClient;
  let de: GatewayClient;

  beforeAll(async () => {
    gw = await startTestGateway();
    fr = await gw.client(FR, { retry: false });
    de = await gw.client(DE, { retry: false });
    await fr.publish(ncbEnvelope('FR'));
  });
  afterAll(() => gw?.stop());

  async function refusalOf(client: GatewayClient, envelope: Envelope): Promise<Refusal> {
    try {
      await client.publish(envelope);
    } catch (error) {
      if (error instanceof PublishRefusedError) return error.refusal;
      throw error;
    }
    throw new Error(`${envelope.messageId} was accepted`);
  }

  async function rawRefusal(requestBytes: Buffer, urn = FR): Promise<Refusal> {
    const raw = rawGrpcClient(gw.address, readClientPem(await gw.certs.client(urn)));
    try {
      const outcome = await publishRawBytes(raw, requestBytes);
      if (!('error' in outcome)) throw new Error('accepted');
      return refusalFromCallStatus(outcome.error);
    } finally {
      raw.close();
    }
  }

  /** Message ids found in the committed records of `topic`. */
  async function storedIds(topic: string): Promise<string[]> {
    return (await readAllCommitted(kafka, gw.topic(topic))).map(
      (r) => Envelope.decode(r.value).messageId,
    );
  }

  describe('attacker-sized strings (a 1 MB message_id)', () => {
    const hugeId = (i: number): string => `${i}-`.padEnd(1_000_000, 'x');

    it('gets a refusal the client can read, and a short form in the dead letter and audit trail, for every one', async () => {
      const ids = Array.from({ length: 40 }, (_, i) => hugeId(i));
      const refusals = await Promise.all(
        ids.map((messageId) =>
          rawRefusal(publishRequestBytes({ ...ncbEnvelope('FR'), messageId })),
        ),
      );
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({ codeName: 'INVALID_ARGUMENT', reason: 'ENVELOPE_INVALID' });
        expect(refusal.fieldViolations.map((v) => v.field)).toEqual(['message_id']);
        expect(JSON.stringify(refusal).length).toBeLessThan(2000);
      }
      const echoes = ids.map(echoText);
      expect(
        echoes.every((e) => e.length < 100 && /…\[1000000 chars, sha256:[0-9a-f]{16}\]$/.test(e)),
      ).toBe(true);
      const audit = await auditOnceRefused(kafka, gw.topic('intel.v1.audit'), echoes);
      const letters = (await deadLetters(kafka, gw.topic('intel.v1.deadletter'))).map(
        (l) => l.record.messageId,
      );
      expect(echoes.filter((e) => !letters.includes(e))).toEqual([]);
      report(
        `1 MB message ids: 40 refused, 40 dead-lettered and ${audit.filter((r) => echoes.includes(r.messageId)).length / 2} audited under a ${echoes[0]!.length}-character short form`,
      );
    });

    it('does not fail another sender writing meanwhile (DE at ~50 msg/s while FR sends 20 in 2 s)', async () => {
      let sending = true;
      const outcomes = { acked: 0, failed: [] as string[] };
      const steady = (async () => {
        while (sending) {
          try {
            await de.publish(ncbEnvelope('DE'));
            outcomes.acked += 1;
          } catch (error) {
            outcomes.failed.push(String(error));
          }
          await sleep(20);
        }
      })();
      for (let i = 0; i < 20; i += 1) {
        void rawRefusal(publishRequestBytes({ ...ncbEnvelope('FR'), messageId: hugeId(100 + i) }));
        await sleep(100);
      }
      await sleep(1000);
      sending = false;
      await steady;
      report(
        `steady sender during 20 hostile refusals: ${outcomes.acked} acked, ${outcomes.failed.length} failed`,
      );
      expect(outcomes.failed).toEqual([]);
      expect(outcomes.acked).toBeGreaterThan(20);
    });
  });

  it('refuses a payload repeating a member name, at that member, and stores nothing', async () => {
    // FR's own contact point, then "country":"DE" again: JSON.parse reads FR, a first-key-wins
    // reader DE.
    const body = JSON.stringify({
      ...(fixturePayload('contact-point-update') as object),
      country: 'FR',
    });
    const envelope = validEnvelope('contact-point-update', {
      origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: 'FR', agencyId: '' },
      payload: Buffer.from(`{"country":"DE",${body.slice(1)}`),
      createdAt: new Date(),
    });
    const refusal = await refusalOf(fr, envelope);
    expect(refusal).toMatchObject({ codeName: 'INVALID_ARGUMENT', reason: 'PAYLOAD_NOT_JSON' });
    expect(refusal.fieldViolations).toEqual([
      expect.objectContaining({ field: 'payload/country', reason: 'duplicateKey' }),
    ]);
    expect(await storedIds('intel.v1.directory.contact-points')).not.toContain(envelope.messageId);
  });

  it('refuses a payload escaping an unpaired surrogate (no reader can hold it as UTF-8)', async () => {
    const text = JSON.stringify({
      ...(fixturePayload('seizure-report') as object),
      summary: 'x',
    }).replace('"x"', '"\\ud800"');
    const refusal = await refusalOf(
      fr,
      validEnvelope('seizure-report', { payload: Buffer.from(text), createdAt: new Date() }),
    );
    expect(refusal).toMatchObject({ reason: 'PAYLOAD_NOT_UTF8' });
    expect(refusal.fieldViolations).toEqual([
      expect.objectContaining({ field: 'payload/summary', reason: 'unpairedSurrogate' }),
    ]);
  });

  it('refuses a retry that changes destinations, handling code or restricted_to as MESSAGE_ID_REUSED', async () => {
    const first = validEnvelope('information-request', { createdAt: new Date() });
    const ack = await fr.publish(first);
    const handling = first.handling!;
    const changed: Array<[string, Envelope]> = [
      [
        'destinations',
        { ...first, destinations: [{ target: { $case: 'country', country: 'IT' } }] },
      ],
      [
        'handling code',
        { ...first, handling: { ...handling, code: HandlingCode.HANDLING_CODE_H1 } },
      ],
      ['restricted_to', { ...first, handling: { ...handling, restrictedTo: ['DE'] } }],
    ];
    for (const [what, retry] of changed) {
      const refusal = await refusalOf(fr, retry);
      expect({ what, codeName: refusal.codeName, reason: refusal.reason }).toEqual({
        what,
        codeName: 'ALREADY_EXISTS',
        reason: 'MESSAGE_ID_REUSED',
      });
    }
    expect(await fr.publish(first)).toMatchObject({ duplicate: true, records: ack.records });
    expect(await storedIds('intel.v1.country.IT')).not.toContain(first.messageId);
  });

  it('answers every message of a PublishStream before ending it INVALID_ARGUMENT on a garbage frame', async () => {
    const session: http2.ClientHttp2Session = await connectH2(
      gw.gateway.port,
      readClientPem(await gw.certs.client(FR)),
    );
    try {
      const stream = openGrpcStream(session, PUBLISH_STREAM_PATH);
      const results: PublishResult[] = [];
      let buffered = Buffer.alloc(0);
      stream.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 5 && buffered.length >= 5 + buffered.readUInt32BE(1)) {
          const length = buffered.readUInt32BE(1);
          results.push(PublishResult.decode(buffered.subarray(5, 5 + length)));
          buffered = buffered.subarray(5 + length);
        }
      });
      const status = wireStatus(stream, 30_000);
      const sent = Array.from({ length: 50 }, () => ncbEnvelope('FR'));
      for (const envelope of sent)
        stream.write(grpcMessage(PublishRequest.encode({ envelope }).finish()));
      stream.write(grpcMessage(Buffer.from([0xff, 0xff, 0xff])));
      const ended = await status;
      expect(results.map((r) => r.outcome?.$case)).toEqual(sent.map(() => 'ack'));
      expect(results.map((r) => r.messageId).sort()).toEqual(sent.map((e) => e.messageId).sort());
      expect(ended.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(ended.refusal).toMatchObject({ reason: 'REQUEST_MALFORMED' });
    } finally {
      session.destroy();
    }
  });

  it('refuses destinations sent with the wrong wire type instead of routing without them', async () => {
    // A seizure report would go to the Secretariat and DE; its destination as a varint field.
    const envelope = ncbEnvelope('FR', 'seizure-report', {
      destinations: [],
      createdAt: new Date(),
    });
    const bytes = Buffer.concat([
      Buffer.from(Envelope.encode(envelope).finish()),
      varintField(5, 7n),
    ]);
    const refusal = await rawRefusal(publishRequestOf(bytes));
    expect(refusal).toMatchObject({ codeName: 'INVALID_ARGUMENT', reason: 'REQUEST_MALFORMED' });
    expect(refusal.fieldViolations).toEqual([
      expect.objectContaining({
        field: 'destinations[0]',
        description: 'sent with wire type 0; destinations is wire type 2',
      }),
    ]);
    expect(await storedIds('intel.v1.secretariat')).not.toContain(envelope.messageId);
  });

  it.each<[string, bigint, number]>([
    ['nanos beyond a second', 1_700_000_000n, 1_000_000_000],
    ['negative nanos', 1_700_000_000n, -1],
    ['a year before 1', -62_135_596_801n, 0],
  ])(
    'refuses a created_at with %s (REQUEST_MALFORMED), which once became some date',
    async (_case, seconds, nanos) => {
      const envelope = ncbEnvelope('FR');
      const refusal = await rawRefusal(
        publishRequestOf(envelopeBytesWithCreatedAt(envelope, seconds, nanos)),
      );
      expect(refusal).toMatchObject({ reason: 'REQUEST_MALFORMED' });
      expect(refusal.fieldViolations.map((v) => v.field)).toEqual(['created_at']);
      const audit = await auditOnceRefused(kafka, gw.topic('intel.v1.audit'), [envelope.messageId]);
      expect(
        audit.some(
          (r) => r.messageId === envelope.messageId && r.event === AuditEvent.AUDIT_EVENT_REFUSED,
        ),
      ).toBe(true);
    },
  );
});
