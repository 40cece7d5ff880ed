import { authorizeSubscribe, EMPTY_GRANTS, type StreamName } from '../../../src/core/authorization';
import type { Identity } from '../../../src/identity/identity';
import { agency, ncb, ops, secretariat, system, wg } from '../routing/routing-fixtures';
import { at, EXAMPLE_GRANTS, NOW } from './authorization-fixtures';

function subscribe(identity: Identity, stream: StreamName, country?: string, nowMs = NOW) {
  return authorizeSubscribe({
    identity,
    stream,
    grants: EXAMPLE_GRANTS,
    nowMs,
    ...(country === undefined ? {} : { country }),
  });
}

describe('authorizeSubscribe', () => {
  it('lets an NCB read its own inbox (all types) and nothing else', () => {
    expect(subscribe(ncb('FR'), 'country-inbox', 'FR')).toEqual({
      kind: 'allowed',
      messageTypes: 'all',
      agencyReader: false,
    });
    expect(subscribe(ncb('FR'), 'country-inbox', 'DE')).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
      field: 'country',
    });
    expect(subscribe(ncb('FR'), 'secretariat')).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
      field: 'stream',
    });
    expect(subscribe(ncb('FR'), 'working-group')).toMatchObject({ reason: 'STREAM_NOT_PERMITTED' });
  });

  it('lets a granted agency read its country inbox, limited to its granted types', () => {
    expect(subscribe(agency('FR', 'customs-dnred'), 'country-inbox', 'FR')).toEqual({
      kind: 'allowed',
      messageTypes: ['online-vendor-report', 'seizure-report', 'link-alert', 'training-event'],
      agencyReader: true,
    });
    expect(subscribe(agency('FR', 'customs-dnred'), 'country-inbox', 'DE')).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
      field: 'country',
    });
  });

  it('refuses an agency without a read grant, or whose grant expired', () => {
    expect(subscribe(agency('BR', 'pf-cyber'), 'country-inbox', 'BR')).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
      message: expect.stringContaining('has no read grant'),
    });
    expect(
      authorizeSubscribe({
        identity: agency('FR', 'customs-dnred'),
        stream: 'country-inbox',
        country: 'FR',
        grants: EMPTY_GRANTS,
        nowMs: NOW,
      }),
    ).toMatchObject({ reason: 'STREAM_NOT_PERMITTED' });
    const expired = subscribe(
      agency('FR', 'cyber-ofac'),
      'country-inbox',
      'FR',
      at('2028-01-01T00:00:00Z'),
    );
    expect(expired).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
      message: expect.stringContaining('expired'),
    });
  });

  it('gives the Secretariat its stream and working-group members theirs, without a country', () => {
    expect(subscribe(secretariat(), 'secretariat')).toMatchObject({
      kind: 'allowed',
      messageTypes: 'all',
    });
    expect(subscribe(wg('NG'), 'working-group')).toMatchObject({ kind: 'allowed' });
    expect(subscribe(secretariat(), 'secretariat', 'FR')).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
      field: 'country',
    });
    expect(subscribe(secretariat(), 'working-group')).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
    });
    expect(subscribe(wg('NG'), 'country-inbox', 'NG')).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
    });
  });

  it.each([ops(), system()])('lets %o read no stream', (identity) => {
    for (const stream of ['country-inbox', 'secretariat', 'working-group'] as const) {
      expect(subscribe(identity, stream)).toMatchObject({
        kind: 'refused',
        reason: 'STREAM_NOT_PERMITTED',
      });
    }
  });

  it('refuses a country inbox with no country named', () => {
    expect(subscribe(ncb('FR'), 'country-inbox')).toMatchObject({
      reason: 'STREAM_NOT_PERMITTED',
      field: 'country',
    });
  });
});
