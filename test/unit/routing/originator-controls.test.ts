import { countryTopic, TOPICS } from '../../../src/contract/topic-names';
import { Restriction } from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  agency,
  Channel,
  HandlingCode,
  notTakenOf,
  route,
  rules,
  to,
  toChannel,
  topicsOf,
} from './routing-fixtures';

const { secretariat: SEC, workingGroup: WG, broadcast: ALL, contactPointDirectory: DIR } = TOPICS;
const H2 = HandlingCode.HANDLING_CODE_H2;
const H3 = HandlingCode.HANDLING_CODE_H3;

describe('restricted_to', () => {
  it('keeps a named country outside restricted_to out, and says why', () => {
    const decision = route({
      type: 'seizure-report',
      destinations: [to('DE'), to('BR')],
      restrictedTo: ['DE'],
    });
    expect(topicsOf(decision)).toEqual([countryTopic('DE'), SEC].sort());
    expect(notTakenOf(decision)).toEqual([`${countryTopic('BR')} RESTRICTED_TO_EXCLUDES`]);
  });

  it('beats a rule that names a country', () => {
    const originRule = rules(`
version: 1
rules:
  - id: copy-origin
    match: { messageTypes: [seizure-report] }
    actions: [to-destinations, to-origin-ncb]
`);
    const decision = route({
      rules: originRule,
      type: 'seizure-report',
      from: agency('BR', 'pf'),
      destinations: [to('DE')],
      restrictedTo: ['DE'],
    });
    expect(topicsOf(decision)).toEqual([countryTopic('DE')]);
    expect(decision.notTaken).toEqual([
      expect.objectContaining({
        topic: countryTopic('BR'),
        reason: 'RESTRICTED_TO_EXCLUDES',
        proposedBy: 'copy-origin',
      }),
    ]);
  });

  it('keeps the Secretariat but excludes the working group (read by many countries)', () => {
    const decision = route({ destinations: [to('DE')], restrictedTo: ['DE', 'FR'] });
    expect(topicsOf(decision)).toEqual([countryTopic('DE'), SEC].sort());
    expect(notTakenOf(decision)).toEqual([`${WG} RESTRICTED_TO_EXCLUDES`]);
  });

  it('excludes the contact-point directory', () => {
    const decision = route({ type: 'contact-point-update', restrictedTo: ['FR'] });
    expect(topicsOf(decision)).toEqual([SEC]);
    expect(notTakenOf(decision)).toEqual([`${DIR} RESTRICTED_TO_EXCLUDES`]);
  });

  it('turns a rule broadcast into one inbox per allowed country, never the broadcast topic', () => {
    const decision = route({ type: 'training-event', restrictedTo: ['DE', 'BR', 'FR'] });
    expect(topicsOf(decision)).toEqual(['DE', 'BR', 'FR'].map(countryTopic).sort());
    expect(notTakenOf(decision)).toEqual([`${ALL} RESTRICTED_TO_EXCLUDES`]);
  });

  it('fans a named broadcast out the same way', () => {
    const decision = route({
      type: 'training-event',
      destinations: [toChannel(Channel.CHANNEL_BROADCAST)],
      restrictedTo: ['JP'],
    });
    expect(decision).toMatchObject({
      kind: 'routed',
      routes: [{ topic: countryTopic('JP'), reason: 'destination', field: 'destinations[0]' }],
    });
  });
});

describe('H2: named destinations only', () => {
  it('adds no Secretariat or working-group copy to named countries', () => {
    const decision = route({ destinations: [to('DE')], code: H2 });
    expect(topicsOf(decision)).toEqual([countryTopic('DE')]);
    expect(notTakenOf(decision)).toEqual([`${SEC} H2_NAMED_ONLY`, `${WG} H2_NAMED_ONLY`].sort());
  });

  it('sends to the Secretariat and the working group when they are named', () => {
    const destinations = [
      toChannel(Channel.CHANNEL_SECRETARIAT),
      toChannel(Channel.CHANNEL_WORKING_GROUP),
    ];
    const decision = route({ destinations, code: H2 });
    expect(topicsOf(decision)).toEqual([SEC, WG].sort());
    expect(decision.notTaken).toEqual([]);
  });

  it('does not broadcast unless the broadcast is named', () => {
    expect(route({ type: 'training-event', code: H2 })).toMatchObject({
      kind: 'refused',
      reason: 'NO_RECIPIENT',
      field: 'handling.code',
      notTaken: [expect.objectContaining({ topic: ALL, reason: 'H2_NAMED_ONLY' })],
    });
    const named = route({
      type: 'training-event',
      code: H2,
      destinations: [toChannel(Channel.CHANNEL_BROADCAST)],
    });
    expect(topicsOf(named)).toEqual([ALL]);
  });
});

describe('H3 restriction flags', () => {
  it('NO_WORKING_GROUP drops the rule copy to the working group', () => {
    const decision = route({
      destinations: [to('DE')],
      code: H3,
      restrictions: [Restriction.RESTRICTION_NO_WORKING_GROUP],
    });
    expect(topicsOf(decision)).toEqual([countryTopic('DE'), SEC].sort());
    expect(notTakenOf(decision)).toEqual([`${WG} H3_RESTRICTION`]);
  });

  it('NO_WORKING_GROUP with the working group named is refused', () => {
    const decision = route({
      destinations: [to('DE'), toChannel(Channel.CHANNEL_WORKING_GROUP)],
      code: H3,
      restrictions: [Restriction.RESTRICTION_NO_WORKING_GROUP],
    });
    expect(decision).toMatchObject({
      kind: 'refused',
      reason: 'H3_RESTRICTION',
      field: 'destinations[1].channel',
    });
  });

  it('NO_SECRETARIAT_COPY drops the rule copy but honours a named Secretariat', () => {
    const restrictions = [Restriction.RESTRICTION_NO_SECRETARIAT_COPY];
    const copy = route({
      type: 'seizure-report',
      destinations: [to('DE')],
      code: H3,
      restrictions,
    });
    expect(topicsOf(copy)).toEqual([countryTopic('DE')]);
    expect(notTakenOf(copy)).toEqual([`${SEC} H3_RESTRICTION`]);
    const destinations = [to('DE'), toChannel(Channel.CHANNEL_SECRETARIAT)];
    const named = route({ type: 'seizure-report', destinations, code: H3, restrictions });
    expect(topicsOf(named)).toEqual([countryTopic('DE'), SEC].sort());
  });

  it('NO_BROADCAST drops a rule broadcast (and the directory), refusing what then reaches nobody', () => {
    const restrictions = [Restriction.RESTRICTION_NO_BROADCAST];
    expect(route({ type: 'training-event', code: H3, restrictions })).toMatchObject({
      kind: 'refused',
      reason: 'NO_RECIPIENT',
      field: 'handling.restrictions',
    });
    const update = route({ type: 'contact-point-update', code: H3, restrictions });
    expect(topicsOf(update)).toEqual([SEC]);
    expect(notTakenOf(update)).toEqual([`${DIR} H3_RESTRICTION`]);
  });

  it('NO_BROADCAST with a BROADCAST destination is refused', () => {
    const decision = route({
      type: 'training-event',
      destinations: [toChannel(Channel.CHANNEL_BROADCAST)],
      code: H3,
      restrictions: [Restriction.RESTRICTION_NO_BROADCAST],
    });
    expect(decision).toMatchObject({
      kind: 'refused',
      reason: 'H3_RESTRICTION',
      field: 'destinations[0].channel',
    });
  });

  it('NO_LINK_ANALYSIS and NCB_ONLY change no route but are exposed in the decision', () => {
    const plain = route({ destinations: [to('DE')] });
    const flagged = route({
      destinations: [to('DE')],
      code: H3,
      restrictions: [Restriction.RESTRICTION_NO_LINK_ANALYSIS, Restriction.RESTRICTION_NCB_ONLY],
    });
    expect(topicsOf(flagged)).toEqual(topicsOf(plain));
    expect(flagged).toMatchObject({
      flags: { code: 'H3', noLinkAnalysis: true, ncbOnly: true, noWorkingGroup: false },
    });
    expect(plain).toMatchObject({ flags: { code: 'H0', noLinkAnalysis: false, ncbOnly: false } });
  });
});

describe('de-duplication', () => {
  it('writes a country named and also reached by a rule once, as the named destination', () => {
    const originRule = rules(`
version: 1
rules:
  - id: copy-origin
    match: {}
    actions: [to-origin-ncb, to-destinations]
`);
    const decision = route({
      rules: originRule,
      from: agency('BR', 'pf'),
      destinations: [to('BR'), to('BR')],
    });
    expect(decision).toMatchObject({
      kind: 'routed',
      routes: [{ topic: countryTopic('BR'), reason: 'destination' }],
      notTaken: [],
    });
  });
});
