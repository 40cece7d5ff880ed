import fc from 'fast-check';
import { countryTopic, TOPICS } from '../../../src/contract/topic-names';
import { Restriction } from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  alertContactPoint,
  alertEnvelope,
} from '../../../src/services/links/detector/alert-envelope';
import {
  decideOnObservation,
  type AlertPlan,
} from '../../../src/services/links/detector/link-decision';
import { decideRoutes } from '../../../src/core/routing';
import { loadSchemaRegistry, validateMessage } from '../../../src/core/validation';
import { DEFAULT_RULES, MEMBERS, system, topicsOf } from '../routing/routing-fixtures';
import { SCHEMAS_DIR } from '../validation/support';
import { observation, observationArb } from './detector-fixtures';

const registry = loadSchemaRegistry({ schemasDir: SCHEMAS_DIR });
const NOW = new Date('2025-03-14T10:00:00.000Z');
const CONTACT = {
  unit: 'Cyber Drugs Unit (example)',
  name: 'Jonas Weber',
  email: 'j.weber@bka.example.de',
};

function plans(...sightings: ReturnType<typeof observation>[]): AlertPlan[] {
  let state;
  let last: AlertPlan[] = [];
  for (const sighting of sightings) {
    const decision = decideOnObservation(state, sighting, 1000);
    state = decision?.state ?? state;
    last = [...(decision?.alerts ?? [])];
  }
  return last;
}

function routed(plan: AlertPlan): string[] {
  const envelope = alertEnvelope(plan, (cc) => (cc === 'DE' ? CONTACT : undefined));
  const validation = validateMessage(envelope, { registry, now: NOW });
  if (!validation.ok) throw new Error(`${validation.reason}: ${validation.message}`);
  return topicsOf(
    decideRoutes({
      envelope,
      payload: validation.payload,
      sender: system(),
      rules: DEFAULT_RULES,
      memberCountries: MEMBERS,
      ncbCopyCountries: new Set(),
    }),
  );
}

describe('link-alert envelopes', () => {
  it('validate against link-alert v1 and reach only their recipient through the routing rules', () => {
    const all = plans(observation('FR'), observation('DE', { paths: ['/emails/0', '/domains/0'] }));
    const byRecipient = new Map(all.map((plan) => [plan.recipient, plan]));
    expect(routed(byRecipient.get('FR') as AlertPlan)).toEqual([countryTopic('FR')]);
    expect(routed(byRecipient.get('DE') as AlertPlan)).toEqual([countryTopic('DE')]);
    expect(routed(byRecipient.get('secretariat') as AlertPlan)).toEqual([TOPICS.secretariat]);
  });

  it('name the other country with its contact point, never the other report', () => {
    const de = observation('DE');
    const [, , toFR] = plans(observation('FR'), de);
    const envelope = alertEnvelope(toFR as AlertPlan, () => CONTACT);
    const payload = JSON.parse(Buffer.from(envelope.payload).toString('utf8')) as {
      matches: unknown[];
    };
    expect(payload.matches).toEqual([
      expect.objectContaining({ country: 'DE', contactPoint: CONTACT }),
    ]);
    expect(Buffer.from(envelope.payload).toString('utf8')).not.toContain(de.messageId);
    expect(envelope.handling?.restrictedTo).toEqual(['FR']);
    expect(envelope.handling?.restrictions).toContain(Restriction.RESTRICTION_NO_SECRETARIAT_COPY);
  });

  it('carry NCB_ONLY and the shortest retention of the reports they mention', () => {
    const [, , toFR] = plans(
      observation('FR', { handling: { retentionDays: 400 } }),
      observation('DE', { handling: { code: 'H3', flags: ['ncb-only'], retentionDays: 90 } }),
    );
    const envelope = alertEnvelope(toFR as AlertPlan, () => undefined);
    expect(envelope.handling?.restrictions).toContain(Restriction.RESTRICTION_NCB_ONLY);
    expect(envelope.handling?.retentionDays).toBe(90);
  });

  it('are byte-identical when built again from the same decision', () => {
    const [first] = plans(observation('FR'), observation('DE'));
    const a = alertEnvelope(first as AlertPlan, () => CONTACT);
    const b = alertEnvelope(first as AlertPlan, () => CONTACT);
    expect(a).toEqual(b);
  });

  it('always validate, whatever the reports and their instructions', () => {
    fc.assert(
      fc.property(fc.array(observationArb, { minLength: 2, maxLength: 10 }), (sightings) => {
        let state;
        for (const sighting of sightings) {
          const decision = decideOnObservation(state, sighting, 1000);
          state = decision?.state ?? state;
          for (const plan of decision?.alerts ?? []) expect(routed(plan).length).toBe(1);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('alertContactPoint', () => {
  const entry = (status: 'active' | 'withdrawn') => ({
    country: 'DE',
    status,
    action: status === 'active' ? 'update' : 'withdraw',
    effectiveFrom: null,
    effectiveUntil: null,
    contactPoint: {
      unit: { name: 'Unit', postalAddress: 'not copied' },
      contact: { name: 'A B', email: 'a@b.example', phone: '+4930901820', mobile: '+49301' },
      languages: ['de'],
    },
    messageId: 'x',
    origin: 'ncb:DE',
    sender: null,
    updatedAt: null,
    partition: 0,
    offset: '0',
  });

  it('keeps unit, name, e-mail, phone and languages of an active designation only', () => {
    expect(alertContactPoint(entry('active'))).toEqual({
      unit: 'Unit',
      name: 'A B',
      email: 'a@b.example',
      phone: '+4930901820',
      languages: ['de'],
    });
    expect(alertContactPoint(entry('withdrawn'))).toBeUndefined();
    expect(alertContactPoint(undefined)).toBeUndefined();
  });
});
