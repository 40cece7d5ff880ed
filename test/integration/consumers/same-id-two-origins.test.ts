import { ReaderRuntime, readerStream, type ReaderDelivery } from '../../../src/services/readers';
import { OriginKind, type Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import { silentLogger } from '../../../src/telemetry/logger';
import { validEnvelope } from '../../helpers/envelopes';
import { eventually } from '../../helpers/eventually';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient } from '../../helpers/kafka';
import { testSettings } from './consumer-fixtures';

jest.setTimeout(60_000);

/** An information request from the NCB of `country` to Italy, under `messageId`. */
const requestToItaly = (country: string, messageId: string): Envelope =>
  validEnvelope('information-request', {
    messageId,
    origin: { kind: OriginKind.ORIGIN_KIND_NCB, country, agencyId: '' },
    destinations: [{ target: { $case: 'country', country: 'IT' } }],
  });

/**
 * A message id is unique per sender only, and every recipient sees ids: FR reusing the id of a
 * DE report to IT must not make IT's reader take FR's report for a copy of DE's (or the other
 * way round). Through the real gateway and reader runtime.
 */
describe('one message id, two origins', () => {
  let gw: TestGateway;
  const kafka = testKafkaClient();
  let reader: ReaderRuntime | undefined;

  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await reader?.stop();
    await gw?.stop();
  });

  it('delivers both to IT: the gateway and the reader know a message by origin and id', async () => {
    const id = '6a1f7c2e-4b3d-4e5f-8a9b-0c1d2e3f4a5b';
    const fromGermany = requestToItaly('DE', id);
    const fromFrance = requestToItaly('FR', id);
    const de = await (await gw.client('urn:intelroute:ncb:DE')).publish(fromGermany);
    const fr = await (await gw.client('urn:intelroute:ncb:FR')).publish(fromFrance);
    expect([de.duplicate, fr.duplicate]).toEqual([false, false]);

    const seen: ReaderDelivery[] = [];
    reader = new ReaderRuntime({
      kafka,
      logger: silentLogger(),
      stream: readerStream({ kind: 'country-inbox', country: 'IT' }, gw.prefix),
      instanceId: 'reader-country-IT-same-id',
      topicPrefix: gw.prefix,
      handler: async (delivery) => void seen.push(delivery),
      settings: testSettings(),
    });
    await reader.start();
    const origins = await eventually(
      async () => seen.map((d) => d.envelope.origin?.country).sort(),
      (countries) => countries.length >= 2,
    );
    expect(origins).toEqual(['DE', 'FR']);
    expect(seen.map((d) => d.envelope.messageId)).toEqual([id, id]);
    // A retry of DE's, landed again, is still a copy: dropped.
    expect(await (await gw.client('urn:intelroute:ncb:DE')).publish(fromGermany)).toMatchObject({
      duplicate: true,
    });
  });
});
