import { readerStream, subscriberGroup } from '../../../src/services/readers';
import { readerSettings } from '../../../src/services/readers';
import { loadConfig } from '../../../src/config';

describe('reader streams', () => {
  it('reads a country inbox with the broadcast topic, in its own group', () => {
    expect(readerStream({ kind: 'country-inbox', country: 'FR' }, 'staging.')).toEqual({
      name: 'reader-country-FR',
      group: 'staging.intelroute.reader.country.FR',
      topics: ['staging.intel.v1.country.FR', 'staging.intel.v1.broadcast'],
    });
  });

  it('reads the Secretariat and working-group streams alone', () => {
    expect(readerStream({ kind: 'secretariat' }, '')).toEqual({
      name: 'reader-secretariat',
      group: 'intelroute.reader.secretariat',
      topics: ['intel.v1.secretariat'],
    });
    expect(readerStream({ kind: 'working-group' }, '').topics).toEqual([
      'intel.v1.wg.internet-drugs',
    ]);
  });

  it('keeps subscriber offsets per identity', () => {
    expect(subscriberGroup('urn:intelroute:ncb:FR', '')).toBe(
      'intelroute.subscriber.urn:intelroute:ncb:FR',
    );
  });

  it('defaults the dedupe window to the gateway idempotency retention', () => {
    const config = loadConfig({ env: {} });
    const settings = readerSettings(config);
    expect(settings.dedupeWindowMs).toBe(config.topics.idempotencyRetentionMs);
    expect(settings.heartbeatIntervalMs).toBe(config.readers.sessionTimeoutMs / 10);
    expect(
      readerSettings({ ...config, readers: { ...config.readers, dedupeWindowMs: 5000 } })
        .dedupeWindowMs,
    ).toBe(5000);
  });
});
