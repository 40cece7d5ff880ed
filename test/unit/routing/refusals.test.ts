import { countryTopic, TOPICS } from '../../../src/contract/topic-names';
import { decideRoutes, reasonCodeOf } from '../../../src/core/routing';
import { ReasonCode } from '../../../src/contract/generated/intelroute/v1/gateway';
import { Restriction } from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  Channel,
  DEFAULT_RULES,
  envelope,
  HandlingCode,
  MEMBERS,
  ncb,
  route,
  rules,
  to,
  toChannel,
} from './routing-fixtures';

describe('refusals', () => {
  it('refuses a destination that is not a member country, naming the field', () => {
    const decision = route({
      type: 'seizure-report',
      destinations: [to('DE'), to('KP'), to('XX')],
    });
    expect(decision).toEqual({
      kind: 'refused',
      reason: 'UNKNOWN_DESTINATION',
      message: 'destinations[1].country is not a member country',
      field: 'destinations[1].country',
      notTaken: [],
    });
  });

  it('refuses a restricted_to country that is not a member (a typo would narrow silently)', () => {
    expect(route({ destinations: [to('DE')], restrictedTo: ['DE', 'TV'] })).toMatchObject({
      kind: 'refused',
      reason: 'UNKNOWN_DESTINATION',
      field: 'handling.restricted_to[1]',
    });
  });

  it('refuses with NO_RECIPIENT when every route is ruled out, listing them', () => {
    const decision = route({
      type: 'seizure-report',
      destinations: [to('DE')],
      restrictedTo: ['BR'],
      code: HandlingCode.HANDLING_CODE_H3,
      restrictions: [Restriction.RESTRICTION_NO_SECRETARIAT_COPY],
    });
    expect(decision).toMatchObject({
      kind: 'refused',
      reason: 'NO_RECIPIENT',
      ruleId: 'seizure-report',
      notTaken: [
        expect.objectContaining({ topic: countryTopic('DE'), reason: 'RESTRICTED_TO_EXCLUDES' }),
        expect.objectContaining({ topic: TOPICS.secretariat, reason: 'H3_RESTRICTION' }),
      ],
    });
    expect(decision).not.toHaveProperty('field');
  });

  it('points NO_RECIPIENT at restricted_to when that alone excluded everyone', () => {
    const decision = route({
      type: 'information-request',
      destinations: [to('DE')],
      restrictedTo: ['BR'],
    });
    expect(decision).toMatchObject({ reason: 'NO_RECIPIENT', field: 'handling.restricted_to' });
  });

  it('refuses with NO_RECIPIENT when no rule matches', () => {
    const onlySeizures = rules(`
version: 1
rules:
  - id: seizures
    match: { messageTypes: [seizure-report] }
    actions: [to-secretariat]
`);
    expect(route({ rules: onlySeizures, type: 'training-event' })).toMatchObject({
      kind: 'refused',
      reason: 'NO_RECIPIENT',
      message: 'no routing rule matches training-event v1',
    });
  });

  it('refuses with NO_RECIPIENT when the rule gives nothing to route', () => {
    expect(route({ type: 'seizure-report', rules: destinationsOnly() })).toMatchObject({
      kind: 'refused',
      reason: 'NO_RECIPIENT',
      ruleId: 'named-only',
      notTaken: [],
    });
  });

  it('refuses a destination with no target, or an unspecified channel', () => {
    expect(route({ destinations: [to('DE'), { target: undefined }] })).toMatchObject({
      reason: 'ENVELOPE_INVALID',
      field: 'destinations[1]',
    });
    expect(route({ destinations: [toChannel(Channel.CHANNEL_UNSPECIFIED)] })).toMatchObject({
      reason: 'ENVELOPE_INVALID',
      field: 'destinations[0].channel',
    });
  });

  it('refuses an envelope without origin or handling instead of guessing', () => {
    const base = {
      payload: {},
      sender: ncb('FR'),
      rules: DEFAULT_RULES,
      memberCountries: MEMBERS,
      ncbCopyCountries: new Set<string>(),
    };
    expect(decideRoutes({ ...base, envelope: { ...envelope(), origin: undefined } })).toMatchObject(
      {
        reason: 'ENVELOPE_INVALID',
        field: 'origin',
      },
    );
    expect(
      decideRoutes({ ...base, envelope: { ...envelope(), handling: undefined } }),
    ).toMatchObject({
      reason: 'ENVELOPE_INVALID',
      field: 'handling',
    });
  });

  it('refuses an unspecified handling code', () => {
    expect(route({ code: HandlingCode.HANDLING_CODE_UNSPECIFIED })).toMatchObject({
      reason: 'ENVELOPE_INVALID',
      field: 'handling.code',
    });
  });

  it('maps reason names to the gateway.proto ReasonCode numbers', () => {
    expect(reasonCodeOf('H2_NAMED_ONLY')).toBe(ReasonCode.REASON_CODE_H2_NAMED_ONLY);
    expect(reasonCodeOf('UNKNOWN_DESTINATION')).toBe(30);
  });
});

function destinationsOnly() {
  return rules(`
version: 1
rules:
  - id: named-only
    match: {}
    actions: [to-destinations]
`);
}
