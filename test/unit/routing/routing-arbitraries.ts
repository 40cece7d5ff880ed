/** fast-check generators for the routing property tests. */
import fc from 'fast-check';
import {
  Channel,
  HandlingCode,
  Restriction,
  type Destination,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import type { Identity } from '../../../src/identity/identity';
import {
  MESSAGE_TYPES,
  RULE_ACTIONS,
  loadRuleSet,
  type RoutingInput,
  type RuleSet,
} from '../../../src/core/routing';
import { agency, envelope, ncb, secretariat, system, wg } from './routing-fixtures';

/** A small member set, so random destinations, restrictions and copies often coincide. */
export const MEMBERS = ['FR', 'DE', 'BR', 'US', 'NG', 'JP'] as const;
const NON_MEMBERS = ['XX', 'KP'] as const;

const member = fc.constantFrom(...MEMBERS);
/** Mostly members; sometimes not, to exercise the UNKNOWN_DESTINATION refusal. */
const anyCountry = fc.oneof(
  { weight: 9, arbitrary: member },
  { weight: 1, arbitrary: fc.constantFrom(...NON_MEMBERS) },
);

const destination: fc.Arbitrary<Destination> = fc.oneof(
  anyCountry.map((country): Destination => ({ target: { $case: 'country', country } })),
  fc
    .constantFrom(
      Channel.CHANNEL_SECRETARIAT,
      Channel.CHANNEL_WORKING_GROUP,
      Channel.CHANNEL_BROADCAST,
    )
    .map((channel): Destination => ({ target: { $case: 'channel', channel } })),
);

const sender: fc.Arbitrary<Identity> = fc.oneof(
  member.map(ncb),
  fc.tuple(member, fc.constantFrom('customs', 'cyber')).map(([country, id]) => agency(country, id)),
  fc.constant(secretariat()),
  member.map(wg),
  fc.constant(system()),
);

const ruleMatch = fc.record(
  {
    messageTypes: fc.subarray([...MESSAGE_TYPES], { minLength: 1 }),
    destinations: fc.constantFrom('present', 'absent'),
  },
  { requiredKeys: ['messageTypes'] },
);

const rule = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      match: ruleMatch,
      actions: fc.subarray([...RULE_ACTIONS], { minLength: 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      match: ruleMatch,
      refuse: fc.constant({ reason: 'DESTINATION_REQUIRED', message: 'needs one' }),
    }),
  },
);

/** Random valid rule sets over the whole action vocabulary, optionally ending in a catch-all. */
export const ruleSet: fc.Arbitrary<RuleSet> = fc
  .tuple(
    fc.uniqueArray(rule, { minLength: 1, maxLength: 6, selector: (r) => JSON.stringify(r.match) }),
    fc.option(fc.subarray([...RULE_ACTIONS], { minLength: 1 })),
  )
  .map(([rules, fallback]) => {
    const all = rules.map((r, index) => ({ id: `r${index}`, ...r }));
    const withFallback =
      fallback === null ? all : [...all, { id: 'fallback', match: {}, actions: fallback }];
    return loadRuleSet(JSON.stringify({ version: 1, rules: withFallback }));
  });

/** A full routing input: random envelope (from a random sender), rules and NCB copies. */
export const routingInput: fc.Arbitrary<RoutingInput> = fc
  .record({
    type: fc.constantFrom(...MESSAGE_TYPES),
    from: sender,
    destinations: fc.array(destination, { maxLength: 5 }),
    code: fc.constantFrom(
      HandlingCode.HANDLING_CODE_H0,
      HandlingCode.HANDLING_CODE_H1,
      HandlingCode.HANDLING_CODE_H2,
      HandlingCode.HANDLING_CODE_H3,
    ),
    restrictedTo: fc.oneof(
      fc.constant([]),
      fc.subarray([...MEMBERS]),
      fc.array(anyCountry, { maxLength: 3 }),
    ),
    restrictions: fc.subarray([
      Restriction.RESTRICTION_NO_WORKING_GROUP,
      Restriction.RESTRICTION_NO_SECRETARIAT_COPY,
      Restriction.RESTRICTION_NO_BROADCAST,
      Restriction.RESTRICTION_NO_LINK_ANALYSIS,
      Restriction.RESTRICTION_NCB_ONLY,
    ]),
    rules: ruleSet,
    copies: fc.subarray([...MEMBERS]),
  })
  .map((spec) => ({
    envelope: envelope(spec),
    payload: {},
    sender: spec.from,
    rules: spec.rules,
    memberCountries: new Set<string>(MEMBERS),
    ncbCopyCountries: new Set<string>(spec.copies),
  }));
