import { PublishRefusedError } from '../../../src/client';
import { OriginKind } from '../../../src/contract/generated/intelroute/v1/envelope';
import { validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';

jest.setTimeout(60_000);

describe('gateway limits per identity', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({
      gateway: { rateLimitPerSecond: 0.5, rateLimitBurst: 3, maxStreamsPerIdentity: 2 },
    });
  });
  afterAll(() => gw?.stop());

  it('refuses beyond the rate limit with RESOURCE_EXHAUSTED, RATE_LIMITED and a retry delay', async () => {
    const client = await gw.client('urn:intelroute:ncb:DE', { retry: false });
    const outcomes = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await client
          .publish(
            validEnvelope('seizure-report', {
              origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: 'DE', agencyId: '' },
            }),
          )
          .then(
            () => 'acked',
            (error: PublishRefusedError) => error.refusal,
          ),
      );
    }
    expect(outcomes.slice(0, 3)).toEqual(['acked', 'acked', 'acked']);
    expect(outcomes[3]).toMatchObject({ codeName: 'RESOURCE_EXHAUSTED', reason: 'RATE_LIMITED' });
    expect((outcomes[3] as { retryDelayMs: number }).retryDelayMs).toBeGreaterThan(0);
  });

  it('refuses a third concurrent stream of one identity, but not another identity’s', async () => {
    const fr = await gw.client('urn:intelroute:ncb:FR', { retry: false });
    const streams = [0, 1].map(() => fr.openPublishStream({ reconnect: { maxAttempts: 1 } }));
    await Promise.all(streams.map((s) => s.send(validEnvelope('seizure-report'))));
    const third = fr.openPublishStream({ reconnect: { maxAttempts: 1 } });
    await expect(third.send(validEnvelope('seizure-report'))).rejects.toMatchObject({
      refusal: expect.objectContaining({
        codeName: 'RESOURCE_EXHAUSTED',
        reason: 'TOO_MANY_STREAMS',
      }),
    });
    const it = await gw.client('urn:intelroute:ncb:IT', { retry: false });
    const other = it.openPublishStream();
    await expect(
      other.send(
        validEnvelope('seizure-report', {
          origin: { kind: OriginKind.ORIGIN_KIND_NCB, country: 'IT', agencyId: '' },
        }),
      ),
    ).resolves.toMatchObject({ duplicate: false });
    await Promise.all([...streams, other].map((s) => s.end()));
    third.cancel();
  });
});
