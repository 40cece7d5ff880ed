import type { PublishAck } from '../../src/client';
import { countryTopic } from '../../src/contract/topic-names';
import { decodeMessageValue } from '../../src/kafka/record-format';
import { testBrokers } from '../helpers/kafka';
import { readAllCommitted } from '../helpers/read-topic';
import { checkAuditTrail, expectAuditHolds } from './support/audit-check';
import { startFaultGateway, type FaultGateway } from './support/fault-gateway';
import { Ledger, expectLedgerHolds } from './support/ledger';
import { readStreamToLedger } from './support/ledger-reader';
import { requestTo } from './support/publish-load';

jest.setTimeout(120_000);

const N = 400;

/**
 * N messages of one case (one partition), each published twice at the same moment (a client
 * retrying while its first attempt is still running), all 2N calls concurrent. With transactions
 * a partition's offsets are not consecutive (each commit marker takes one), so the property is:
 * the partition read back in offset order holds exactly the N messages, each once, at strictly
 * increasing offsets, and each message's two acks name the offset it was read at (one of them
 * marked duplicate).
 */
describe('fault: concurrent idempotent sends to one partition', () => {
  let gw: FaultGateway | undefined;

  beforeAll(async () => {
    gw = await startFaultGateway({ brokers: testBrokers(), partitions: 3 });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('stores N concurrent sends once each, at the offsets their acks report', async () => {
    const gateway = gw as FaultGateway;
    const inbox = gateway.topic(countryTopic('DE'));
    const ledger = new Ledger(`concurrent-offsets (${N} msgs x2 concurrent sends, one partition)`);
    const client = await gateway.client('urn:intelroute:ncb:FR', {
      retry: { maxAttempts: 10, initialBackoffMs: 100, maxBackoffMs: 1000 },
    });
    const envelopes = Array.from({ length: N }, () => requestTo('FR', 'DE', 'case-one-partition'));
    envelopes.forEach((e) => ledger.sent(e.messageId));
    const acks = await Promise.all(
      envelopes.flatMap((envelope) => [client.publish(envelope), client.publish(envelope)]),
    );
    const byId = new Map<string, PublishAck[]>();
    for (const ack of acks) byId.set(ack.messageId, [...(byId.get(ack.messageId) ?? []), ack]);
    for (const envelope of envelopes) ledger.acked(envelope.messageId);

    const records = await readAllCommitted(gateway.kafka, inbox);
    const ids = records.map((r) => decodeMessageValue(r.value).messageId);
    const offsets = records.map((r) => BigInt(r.offset));
    const span = Number((offsets[offsets.length - 1] ?? 0n) - (offsets[0] ?? 0n)) + 1;
    ledger.note(`partitions=${new Set(records.map((r) => r.partition)).size}`);
    ledger.note(`offset-span=${span} markers-or-gaps=${span - records.length}`);

    // One partition, every message once, offsets strictly increasing in read order.
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
    expect(records).toHaveLength(N);
    expect(new Set(ids)).toEqual(new Set(envelopes.map((e) => e.messageId)));
    expect(offsets.every((o, i) => i === 0 || o > (offsets[i - 1] as bigint))).toBe(true);
    // Each message's two acks: the same location, the offset it was read at, one duplicate.
    const readAt = new Map(records.map((r, i) => [ids[i] as string, `${r.partition}/${r.offset}`]));
    const mismatched = envelopes.filter(({ messageId }) => {
      const both = byId.get(messageId) ?? [];
      const where = both.map((a) => `${a.records[0]?.partition}/${a.records[0]?.offset}`);
      return (
        both.length !== 2 ||
        where.some((w) => w !== readAt.get(messageId)) ||
        both.filter((a) => a.duplicate).length !== 1
      );
    });
    expect(mismatched.map((e) => e.messageId)).toEqual([]);

    await gateway.stop();
    await readStreamToLedger({
      kafka: gateway.kafka,
      prefix: gateway.prefix,
      country: 'DE',
      ledger,
      timeoutMs: 60_000,
    });
    const audit = await checkAuditTrail(gateway.kafka, gateway.prefix);
    ledger.note(audit.summary);
    expectLedgerHolds(ledger, N);
    expectAuditHolds(audit, ledger.ackedIdList());
  });
});
