import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config';
import {
  Channel,
  HandlingCode,
  OriginKind,
  Restriction,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  applyObservation,
  decodeLinkState,
  encodeLinkState,
} from '../../../src/services/links/detector/link-state';
import { observationsOf } from '../../../src/services/links/detector/observation';
import {
  decodeObservation,
  encodeObservation,
} from '../../../src/services/links/detector/observation-types';
import { uuidV5 } from '../../../src/services/shared/deterministic-id';
import { readLinkSecret, systemClientSettings } from '../../../src/services/shared/service-config';
import { envelope } from '../routing/routing-fixtures';

const SECRET = randomBytes(32);
const RECEIVED = new Date('2025-03-14T09:30:01.000Z');

function report(
  payload: unknown,
  spec: Parameters<typeof envelope>[0] = {},
): ReturnType<typeof envelope> {
  return {
    ...envelope(spec),
    messageId: '0c4d1f9e-7a2b-4c8e-9f3a-2b1d5e6f7a8b',
    payload: Buffer.from(JSON.stringify(payload)),
    receipt: {
      sender: 'urn:intelroute:ncb:FR',
      receivedAt: RECEIVED,
      payloadSha256: '',
      replyDueAt: undefined,
      traceId: '',
    },
  };
}

const SHOP = { urls: ['https://www.example-pharma.com/buy'], domains: ['example-pharma.com'] };

describe('observationsOf', () => {
  it('gives one observation per selector key, with every field it was read from, never the value', () => {
    const result = observationsOf(report(SHOP), SECRET);
    if (!('observations' in result)) throw new Error(result.skipped);
    expect(result.observations).toHaveLength(1);
    const [only] = result.observations;
    expect(only).toMatchObject({
      kind: 'domain',
      country: 'FR',
      paths: ['/urls/0', '/domains/0'],
      observedAt: RECEIVED.toISOString(),
      handling: { code: 'H0', restrictedTo: [], flags: [], retentionDays: 365 },
    });
    const bytes = encodeObservation(only as NonNullable<typeof only>).toString('utf8');
    expect(bytes).not.toContain('example-pharma');
    expect(decodeObservation(Buffer.from(bytes))).toEqual(only);
  });

  it('keys the same selector alike across reports only under the same secret', () => {
    const keyOf = (secret: Buffer) => {
      const result = observationsOf(report({ domains: ['example-pharma.com'] }), secret);
      return 'observations' in result ? result.observations[0]?.selectorKey : undefined;
    };
    expect(keyOf(SECRET)).toBe(keyOf(Buffer.from(SECRET)));
    expect(keyOf(SECRET)).not.toBe(keyOf(randomBytes(32)));
  });

  it('never observes a report flagged NO_LINK_ANALYSIS, a non-report, or a report of no country', () => {
    const flagged = report(SHOP, {
      code: HandlingCode.HANDLING_CODE_H3,
      restrictions: [Restriction.RESTRICTION_NO_LINK_ANALYSIS],
    });
    expect(observationsOf(flagged, SECRET)).toEqual({ skipped: 'no-link-analysis' });
    expect(observationsOf(report(SHOP, { type: 'information-request' }), SECRET)).toEqual({
      skipped: 'not-a-report',
    });
    const secretariat = report(SHOP, {
      origin: { kind: OriginKind.ORIGIN_KIND_SECRETARIAT, country: '', agencyId: '' },
    });
    expect(observationsOf(secretariat, SECRET)).toEqual({ skipped: 'no-country' });
  });

  it('keeps the instructions disclosure depends on: restricted_to, H2 addressees, the Secretariat named', () => {
    const h2 = report(SHOP, {
      code: HandlingCode.HANDLING_CODE_H2,
      restrictedTo: ['FR', 'DE'],
      destinations: [
        { target: { $case: 'country', country: 'DE' } },
        { target: { $case: 'channel', channel: Channel.CHANNEL_SECRETARIAT } },
      ],
    });
    const result = observationsOf(h2, SECRET);
    expect('observations' in result && result.observations[0]).toMatchObject({
      handling: { code: 'H2', restrictedTo: ['DE', 'FR'] },
      addressedTo: ['DE'],
      secretariatNamed: true,
    });
  });

  it('a link state survives its changelog encoding; an indexed report is not indexed twice', () => {
    const result = observationsOf(report(SHOP), SECRET);
    if (!('observations' in result)) throw new Error(result.skipped);
    const first = result.observations[0] as NonNullable<(typeof result.observations)[0]>;
    const state = applyObservation(undefined, first, 10);
    expect(state).toBeDefined();
    expect(applyObservation(state, first, 10)).toBeUndefined();
    // Another country's report under the same id is another report: it makes the link.
    const other = applyObservation(state, { ...first, country: 'DE' }, 10);
    expect(other?.observations.map((o) => o.country)).toEqual([first.country, 'DE']);
    expect(decodeLinkState(encodeLinkState(state as NonNullable<typeof state>))).toEqual(state);
    expect(decodeLinkState(Buffer.from('{"selectorKey":"x"}'))).toBeUndefined();
  });
});

describe('uuidV5', () => {
  it('matches RFC 9562 (DNS namespace, www.example.com) and is a v5 UUID', () => {
    const dns = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(uuidV5('a')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(uuidV5('a')).not.toBe(uuidV5('b'));
  });
});

describe('service configuration', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-secret-'));
  const config = (secretFile: string | null) => ({
    links: { ...loadConfig({ env: {} }).links, secretFile },
  });

  it('reads the secret file, ignoring one trailing newline, and refuses fewer than 32 bytes', () => {
    const good = path.join(dir, 'good');
    writeFileSync(good, `${'k'.repeat(32)}\n`);
    expect(readLinkSecret(config(good))).toEqual(Buffer.from('k'.repeat(32)));
    const short = path.join(dir, 'short');
    writeFileSync(short, `${'k'.repeat(31)}\n`);
    expect(() => readLinkSecret(config(short))).toThrow(
      expect.objectContaining({ code: 'LINK_SECRET_INVALID' }),
    );
    expect(() => readLinkSecret(config(null))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('takes INTELROUTE_LINK_SECRET_FILE from the environment', () => {
    const loaded = loadConfig({ env: { INTELROUTE_LINK_SECRET_FILE: '/run/secrets/link' } });
    expect(loaded.links.secretFile).toBe('/run/secrets/link');
  });

  it('dials the configured gateway with the gateway folder’s certificates by default', () => {
    const base = loadConfig({ env: {} });
    const gateway = { ...base.gateway, tls: { ...base.gateway.tls, certsDir: '/certs' } };
    expect(systemClientSettings({ gateway, systemClient: base.systemClient })).toEqual({
      address: '127.0.0.1:50051',
      certsDir: '/certs',
      serverName: 'localhost',
    });
    expect(() => systemClientSettings(base)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
