import fc from 'fast-check';
import { countryOfTopic, countryTopic, TOPICS } from '../../../src/contract/topic-names';
import {
  Channel,
  HandlingCode,
  Restriction,
  type Destination,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import { decideRoutes, type RoutedDecision, type RoutingInput } from '../../../src/core/routing';
import { routingInput } from './routing-arbitraries';

const RUNS = { numRuns: 1000 };

/** Decides, then checks `property` on routed decisions only. */
function forRouted(property: (decision: RoutedDecision, input: RoutingInput) => void): void {
  fc.assert(
    fc.property(routingInput, (input) => {
      const decision = decideRoutes(input);
      if (decision.kind === 'routed') property(decision, input);
    }),
    RUNS,
  );
}

const topics = (decision: RoutedDecision): string[] => decision.routes.map((route) => route.topic);
const restrictedTo = (input: RoutingInput): readonly string[] =>
  input.envelope.handling?.restrictedTo ?? [];
const hasFlag = (input: RoutingInput, flag: Restriction): boolean =>
  input.envelope.handling?.restrictions.includes(flag) ?? false;

/** The topics an H2 message may reach: what it names (a named broadcast fans out under restricted_to). */
function namedTopics(input: RoutingInput): Set<string> {
  const named = new Set<string>();
  const channelTopics: Partial<Record<Channel, string>> = {
    [Channel.CHANNEL_SECRETARIAT]: TOPICS.secretariat,
    [Channel.CHANNEL_WORKING_GROUP]: TOPICS.workingGroup,
    [Channel.CHANNEL_BROADCAST]: TOPICS.broadcast,
  };
  for (const { target } of input.envelope.destinations as Destination[]) {
    if (target?.$case === 'country') named.add(countryTopic(target.country));
    if (target?.$case === 'channel') {
      named.add(channelTopics[target.channel] ?? '?');
      if (target.channel === Channel.CHANNEL_BROADCAST)
        restrictedTo(input).forEach((c) => named.add(countryTopic(c)));
    }
  }
  return named;
}

describe('routing properties (random envelopes, flags and rule sets)', () => {
  it('never writes a country inbox outside a non-empty restricted_to', () => {
    forRouted((decision, input) => {
      const allowed = restrictedTo(input);
      if (allowed.length === 0) return;
      for (const topic of topics(decision)) {
        const country = countryOfTopic(topic);
        if (country !== undefined) expect(allowed).toContain(country);
      }
    });
  });

  it('never writes the broadcast topic (nor the working group or directory) under restricted_to', () => {
    forRouted((decision, input) => {
      if (restrictedTo(input).length === 0) return;
      expect(topics(decision)).not.toContain(TOPICS.broadcast);
      expect(topics(decision)).not.toContain(TOPICS.workingGroup);
      expect(topics(decision)).not.toContain(TOPICS.contactPointDirectory);
    });
  });

  it('never adds a recipient to an H2 message beyond its named destinations', () => {
    forRouted((decision, input) => {
      if (input.envelope.handling?.code !== HandlingCode.HANDLING_CODE_H2) return;
      const named = namedTopics(input);
      for (const topic of topics(decision)) expect(named).toContain(topic);
    });
  });

  it('honours NO_WORKING_GROUP, NO_BROADCAST and NO_SECRETARIAT_COPY', () => {
    forRouted((decision, input) => {
      if (hasFlag(input, Restriction.RESTRICTION_NO_WORKING_GROUP)) {
        expect(topics(decision)).not.toContain(TOPICS.workingGroup);
      }
      if (hasFlag(input, Restriction.RESTRICTION_NO_BROADCAST)) {
        expect(topics(decision)).not.toContain(TOPICS.broadcast);
      }
      if (
        hasFlag(input, Restriction.RESTRICTION_NO_SECRETARIAT_COPY) &&
        topics(decision).includes(TOPICS.secretariat)
      ) {
        expect(namedTopics(input)).toContain(TOPICS.secretariat);
      }
    });
  });

  it('never returns zero routes without a refusal, and writes each topic once, members only', () => {
    fc.assert(
      fc.property(routingInput, (input) => {
        const decision = decideRoutes(input);
        if (decision.kind === 'refused') {
          expect(decision.reason).toEqual(expect.any(String));
          expect(decision.message.length).toBeGreaterThan(0);
          return;
        }
        const written = topics(decision);
        expect(written.length).toBeGreaterThan(0);
        expect(new Set(written).size).toBe(written.length);
        for (const topic of written) {
          const country = countryOfTopic(topic);
          if (country !== undefined) expect(input.memberCountries).toContain(country);
        }
      }),
      RUNS,
    );
  });

  it('refuses any message naming a non-member, at that destination or an earlier faulty one', () => {
    fc.assert(
      fc.property(routingInput, (input) => {
        const index = input.envelope.destinations.findIndex(
          ({ target }) => target?.$case === 'country' && !input.memberCountries.has(target.country),
        );
        const badRestriction = restrictedTo(input).some((c) => !input.memberCountries.has(c));
        if (index < 0 || badRestriction) return;
        const decision = decideRoutes(input);
        expect(decision.kind).toBe('refused');
        const at = /^destinations\[(\d+)\]/.exec(
          decision.kind === 'refused' ? (decision.field ?? '') : '',
        );
        expect(Number(at?.[1])).toBeLessThanOrEqual(index);
        if (Number(at?.[1]) === index)
          expect(decision).toMatchObject({ reason: 'UNKNOWN_DESTINATION' });
      }),
      RUNS,
    );
  });

  it('reaches the routed branch often enough for the properties to mean something', () => {
    const samples = fc.sample(routingInput, { numRuns: 2000, seed: 42 });
    const routed = samples.map(decideRoutes).filter((decision) => decision.kind === 'routed');
    const restrictedRouted = routed.filter((d) => d.flags.restrictedTo.length > 0);
    const h2Routed = routed.filter((d) => d.flags.code === 'H2');
    expect(routed.length).toBeGreaterThan(300);
    expect(restrictedRouted.length).toBeGreaterThan(50);
    expect(h2Routed.length).toBeGreaterThan(30);
  });
});
