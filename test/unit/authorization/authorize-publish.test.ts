import { authorizePublish, EMPTY_GRANTS } from '../../../src/core/authorization';
import { OriginKind, type Origin } from '../../../src/contract/generated/intelroute/v1/envelope';
import type { Identity } from '../../../src/identity/identity';
import { agency, envelope, ncb, ops, secretariat, system, wg } from '../routing/routing-fixtures';
import { at, EXAMPLE_GRANTS, NOW, POLICY } from './authorization-fixtures';

const DNRED = agency('FR', 'customs-dnred');
const OFAC = agency('FR', 'cyber-ofac');

function publish(identity: Identity, type: string, origin?: Origin, nowMs = NOW) {
  return authorizePublish({
    identity,
    envelope: envelope({ type, from: identity, ...(origin === undefined ? {} : { origin }) }),
    policy: POLICY,
    grants: EXAMPLE_GRANTS,
    nowMs,
  });
}

const origin = (kind: OriginKind, country = '', agencyId = ''): Origin => ({
  kind,
  country,
  agencyId,
});
const {
  ORIGIN_KIND_NCB: NCB,
  ORIGIN_KIND_AGENCY: AGENCY,
  ORIGIN_KIND_SECRETARIAT: SEC,
} = OriginKind;
const { ORIGIN_KIND_WORKING_GROUP_MEMBER: WG, ORIGIN_KIND_SYSTEM: SYS } = OriginKind;

describe('authorizePublish: declared origin must be the identity', () => {
  it.each([
    ['an NCB declaring another country', ncb('FR'), origin(NCB, 'DE'), 'origin.country'],
    ['an NCB declaring itself an agency', ncb('FR'), origin(AGENCY, 'FR', 'x'), 'origin.kind'],
    ['an NCB with an agency id', ncb('FR'), origin(NCB, 'FR', 'x'), 'origin.agency_id'],
    ['an agency declaring its NCB', DNRED, origin(NCB, 'FR'), 'origin.kind'],
    [
      'an agency declaring another agency',
      DNRED,
      origin(AGENCY, 'FR', 'cyber-ofac'),
      'origin.agency_id',
    ],
    [
      'an agency declaring another country',
      DNRED,
      origin(AGENCY, 'DE', 'customs-dnred'),
      'origin.country',
    ],
    ['the Secretariat declaring a country', secretariat(), origin(SEC, 'FR'), 'origin.country'],
    [
      'the Secretariat claiming a service it is not',
      secretariat(),
      origin(SEC, '', 'ops-room'),
      'origin.agency_id',
    ],
    [
      'a working-group member declaring another country',
      wg('NG'),
      origin(WG, 'FR'),
      'origin.country',
    ],
    ['the system declaring the Secretariat', system(), origin(SEC), 'origin.kind'],
    [
      'an unspecified kind',
      ncb('FR'),
      origin(OriginKind.ORIGIN_KIND_UNSPECIFIED, 'FR'),
      'origin.kind',
    ],
  ] as const)('refuses %s (ORIGIN_MISMATCH at %s)', (_what, identity, declared, field) => {
    const type = identity.role === 'wg' ? 'working-group-contribution' : 'online-vendor-report';
    expect(publish(identity, type, declared)).toMatchObject({
      kind: 'refused',
      reason: 'ORIGIN_MISMATCH',
      field,
    });
  });

  it('refuses a missing origin', () => {
    const result = authorizePublish({
      identity: ncb('FR'),
      envelope: { ...envelope(), origin: undefined },
      policy: POLICY,
      grants: EMPTY_GRANTS,
      nowMs: NOW,
    });
    expect(result).toMatchObject({ reason: 'ORIGIN_MISMATCH', field: 'origin' });
  });

  it('lets a Secretariat service name itself or stay anonymous', () => {
    const service = secretariat('drugs-unit');
    expect(publish(service, 'link-alert', origin(SEC, '', 'drugs-unit'))).toEqual({
      kind: 'allowed',
    });
    expect(publish(service, 'link-alert', origin(SEC))).toEqual({ kind: 'allowed' });
    expect(publish(service, 'link-alert', origin(SEC, '', 'other-unit'))).toMatchObject({
      reason: 'ORIGIN_MISMATCH',
    });
  });

  it('accepts each role declaring its true origin', () => {
    expect(publish(ncb('FR'), 'seizure-report', origin(NCB, 'FR'))).toEqual({ kind: 'allowed' });
    expect(publish(wg('NG'), 'working-group-contribution', origin(WG, 'NG'))).toEqual({
      kind: 'allowed',
    });
    expect(publish(system(), 'link-alert', origin(SYS))).toEqual({ kind: 'allowed' });
  });
});

describe('authorizePublish: role policy and grants', () => {
  it.each([
    [ncb('FR'), 'link-alert'],
    [wg('NG'), 'seizure-report'],
    [system(), 'training-event'],
    [DNRED, 'training-event'],
    [DNRED, 'contact-point-update'],
  ] as const)('refuses %o publishing %s (ROLE_NOT_PERMITTED)', (identity, type) => {
    expect(publish(identity, type)).toMatchObject({
      reason: 'ROLE_NOT_PERMITTED',
      field: 'message_type',
    });
  });

  it('refuses operators whatever they declare', () => {
    expect(publish(ops(), 'seizure-report', origin(SYS))).toMatchObject({
      kind: 'refused',
      reason: 'ROLE_NOT_PERMITTED',
    });
  });

  it('lets an agency publish what both the policy and its grant list', () => {
    expect(publish(DNRED, 'seizure-report')).toEqual({ kind: 'allowed' });
    expect(publish(OFAC, 'information-request')).toEqual({ kind: 'allowed' });
  });

  it('refuses an agency type its grant does not list (GRANT_MISSING)', () => {
    expect(publish(DNRED, 'information-request')).toMatchObject({
      reason: 'GRANT_MISSING',
      field: 'message_type',
      message: expect.stringContaining('does not include information-request'),
    });
  });

  it('refuses an agency with no grant, or from a country whose NCB granted it nothing', () => {
    expect(publish(agency('FR', 'unknown'), 'seizure-report')).toMatchObject({
      reason: 'GRANT_MISSING',
    });
    expect(publish(agency('DE', 'customs-dnred'), 'seizure-report')).toMatchObject({
      reason: 'GRANT_MISSING',
    });
  });

  it('refuses an agency whose grant expired, at the expiry instant', () => {
    const expiry = at('2027-12-31T23:59:59Z');
    expect(publish(OFAC, 'information-request', undefined, expiry - 1)).toEqual({
      kind: 'allowed',
    });
    expect(publish(OFAC, 'information-request', undefined, expiry)).toMatchObject({
      reason: 'GRANT_MISSING',
      message: expect.stringContaining('expired'),
    });
  });
});
