import type { Admin, Kafka } from 'kafkajs';
import { TOPICS, countryTopic } from '../../../src/contract/topic-names';
import {
  HandlingCode,
  OriginKind,
  Priority,
  type Envelope,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import { decodeMessageValue } from '../../../src/kafka/record-format';
import { readLedger, statusLines } from '../../../src/services/requests/ledger-status';
import { RequestLedger } from '../../../src/services/requests/request-ledger';
import { silentLogger } from '../../../src/telemetry/logger';
import { payloadBytes, fixturePayload, validEnvelope } from '../../helpers/envelopes';
import { runCli } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { startTestGateway, TEST_MEMBERS, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient, uniqueName } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';
import { linkTestSettings } from '../links/links-fixtures';

jest.setTimeout(90_000);

const SECOND = 1000;

describe('request-deadline ledger (in-process gateway over mTLS, real Kafka)', () => {
  const kafka = testKafkaClient();
  const admin: Admin = kafka.admin();
  const instanceId = uniqueName('ledger');
  let gw: TestGateway;
  let ledger: RequestLedger;

  const startLedger = async (): Promise<RequestLedger> => {
    const started = new RequestLedger({
      kafka,
      logger: silentLogger(),
      topicPrefix: gw.prefix,
      memberCountries: [...TEST_MEMBERS],
      instanceId,
      settings: linkTestSettings(),
      checkIntervalMs: 200,
      overdueGraceMs: 300,
      gateway: await gw.client('urn:intelroute:system:request-ledger'),
      publishTimeoutMs: 10_000,
    });
    await started.start();
    return started;
  };
  const notices = (topic: string) => readNotices(kafka, gw.topic(topic));

  beforeAll(async () => {
    await admin.connect();
    const deadlines = { routine: SECOND, high: SECOND, urgent: SECOND, immediate: SECOND };
    gw = await startTestGateway({ gateway: { replyDeadlinesMs: deadlines } });
    ledger = await startLedger();
  });

  afterAll(async () => {
    await ledger?.stop();
    await gw?.stop();
    await admin.disconnect();
  });

  it('sends one overdue notice naming the silent recipient, to the requester and the Secretariat, and not again after a restart', async () => {
    const fr = await gw.client('urn:intelroute:ncb:FR');
    const request = informationRequest(['DE', 'ES']);
    const ack = await fr.publish(request);
    expect(ack.records.length).toBe(2);
    const de = await gw.client('urn:intelroute:ncb:DE');
    const answer = response('DE', request.messageId);
    await de.publish(answer);
    // H2, not naming the Secretariat: its notice goes to the requester alone.
    const quiet = informationRequest(['DE'], HandlingCode.HANDLING_CODE_H2);
    await fr.publish(quiet);

    const recorded = await eventually(
      () => readLedger({ kafka, admin, topicPrefix: gw.prefix }),
      (entries) =>
        entries.some((e) => e.requestId === request.messageId && e.notices.ES !== undefined) &&
        entries.some((e) => e.requestId === quiet.messageId && e.notices.DE !== undefined),
      { timeoutMs: 20_000 },
    );
    const toFR = await notices(countryTopic('FR'));
    const toSEC = await notices(TOPICS.secretariat);
    expect(toFR.map((n) => [n.payload.requestId, n.payload.silentRecipient]).sort()).toEqual(
      [
        [request.messageId, 'ES'],
        [quiet.messageId, 'DE'],
      ].sort(),
    );
    expect(toSEC.map((n) => [n.payload.requestId, n.payload.silentRecipient])).toEqual([
      [request.messageId, 'ES'],
    ]);
    expect(toSEC[0]?.messageId).toBe(
      toFR.find((n) => n.payload.silentRecipient === 'ES')?.messageId,
    );
    expect(toSEC[0]?.payload).toMatchObject({
      requester: 'FR',
      priority: 'high',
      recipientCount: 2,
    });

    const lines = statusLines(recorded, Date.now(), true);
    expect(lines.find((l) => l.requestId === request.messageId)?.recipients).toEqual([
      expect.objectContaining({
        recipient: 'DE',
        status: 'answered',
        responseId: answer.messageId,
      }),
      expect.objectContaining({ recipient: 'ES', status: 'overdue-notified' }),
    ]);

    const env = { INTELROUTE_TOPIC_PREFIX: gw.prefix, INTELROUTE_LOG_LEVEL: 'warn' };
    const status = await runCli(['requests', 'status', '--overdue'], env);
    expect(status.code).toBe(0);
    const printed = status.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { requestId: string });
    expect(printed.map((line) => line.requestId).sort()).toEqual(
      [request.messageId, quiet.messageId].sort(),
    );

    // Restart: the ledger is rebuilt from its changelog and sends nothing again.
    await ledger.stop();
    ledger = await startLedger();
    expect(
      ledger.entries().find((e) => e.requestId === request.messageId)?.notices.ES,
    ).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 5 * 200 + 300));
    expect((await notices(countryTopic('FR'))).length).toBe(2);
    expect((await notices(TOPICS.secretariat)).length).toBe(1);
  });
});

function informationRequest(to: readonly string[], code = HandlingCode.HANDLING_CODE_H0): Envelope {
  return validEnvelope('information-request', {
    destinations: to.map((country) => ({ target: { $case: 'country', country } })),
    priority: Priority.PRIORITY_HIGH,
    handling: { code, restrictedTo: [], restrictions: [], restrictionText: '', retentionDays: 365 },
    createdAt: new Date(Date.now() - 1000),
  });
}

function response(from: string, requestId: string): Envelope {
  return validEnvelope('information-response', {
    origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: from, agencyId: '' },
    destinations: [{ target: { $case: 'country', country: 'FR' } }],
    inReplyTo: requestId,
    createdAt: new Date(Date.now() - 1000),
    payload: payloadBytes(fixturePayload('information-response')),
  });
}

interface ReadNotice {
  readonly messageId: string;
  readonly payload: Record<string, unknown>;
}

async function readNotices(kafka: Kafka, topic: string): Promise<ReadNotice[]> {
  const records = await readAllCommitted(kafka, topic);
  return records
    .map((record) => decodeMessageValue(record.value))
    .filter((envelope) => envelope.messageType === 'request-overdue-notice')
    .map((envelope) => ({
      messageId: envelope.messageId,
      payload: JSON.parse(Buffer.from(envelope.payload).toString('utf8')) as Record<
        string,
        unknown
      >,
    }));
}
