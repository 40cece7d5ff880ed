import fc from 'fast-check';
import {
  decideOnObservation,
  markTold,
  type AlertPlan,
} from '../../../src/services/links/detector/link-decision';
import type { LinkState } from '../../../src/services/links/detector/link-state';
import type { SelectorObservation } from '../../../src/services/links/detector/observation-types';
import { mayLearnOf, SECRETARIAT } from '../../../src/services/links/detector/visibility';
import { observation, observationArb, sightingsArb } from './detector-fixtures';

const MAX = 1000;

/** Folds sightings as the detector does: decide, "send" every alert, record it as told. */
function fold(
  sightings: readonly SelectorObservation[],
  start?: LinkState,
): { state: LinkState | undefined; alerts: AlertPlan[] } {
  let state = start;
  const alerts: AlertPlan[] = [];
  for (const sighting of sightings) {
    const decision = decideOnObservation(state, sighting, MAX);
    if (decision === undefined) continue;
    alerts.push(...decision.alerts);
    state = markTold(
      decision.state,
      decision.alerts.map((plan) => ({ plan })),
    );
  }
  return { state, alerts };
}

const byRecipient = (alerts: readonly AlertPlan[]) =>
  alerts.map((a) => `${a.recipient}:${a.countries.join(',')}`).sort();

describe('link decisions (who is told what)', () => {
  it('alerts both countries and the Secretariat once a second country reports the selector', () => {
    const fr = observation('FR');
    const de = observation('DE');
    const { alerts } = fold([fr, de]);
    expect(byRecipient(alerts)).toEqual(['DE:FR', 'FR:DE', 'secretariat:DE,FR']);
    const toFR = alerts.find((a) => a.recipient === 'FR');
    expect(toFR?.view.own.map((o) => o.messageId)).toEqual([fr.messageId]);
    expect(toFR?.view.matches).toEqual([
      {
        country: 'DE',
        reportCount: 1,
        firstReportedAt: de.observedAt,
        lastReportedAt: de.observedAt,
      },
    ]);
    expect(new Set(alerts.map((a) => a.linkId)).size).toBe(1);
  });

  it('says nothing while one country alone holds the selector', () => {
    expect(fold([observation('FR'), observation('FR')]).alerts).toEqual([]);
  });

  it('does not alert again on a repeated sighting or another report of a linked country', () => {
    const first = fold([observation('FR'), observation('DE')]);
    const fr = observation('FR');
    expect(fold([fr], first.state).alerts).toEqual([]);
    expect(decideOnObservation(fold([fr], first.state).state, fr, MAX)).toBeUndefined();
  });

  it('alerts a newcomer and tells the linked countries of it, within its restriction', () => {
    const linked = fold([observation('FR'), observation('DE')]).state;
    const open = fold([observation('ES')], linked).alerts;
    expect(byRecipient(open)).toEqual(['DE:ES,FR', 'ES:DE,FR', 'FR:DE,ES', 'secretariat:DE,ES,FR']);
    const restricted = fold([observation('ES', { handling: { restrictedTo: ['ES'] } })], linked);
    expect(byRecipient(restricted.alerts)).toEqual(['ES:DE,FR', 'secretariat:DE,ES,FR']);
  });

  it('discloses an H2 report only to the countries it was addressed to', () => {
    const linked = fold([observation('FR'), observation('DE')]).state;
    const h2 = observation('ES', { handling: { code: 'H2' }, addressedTo: ['DE'] });
    expect(byRecipient(fold([h2], linked).alerts)).toEqual(['DE:ES,FR', 'ES:DE,FR']);
    // Not told to the Secretariat either: the report did not name it.
    expect(mayLearnOf(h2, SECRETARIAT)).toBe(false);
    expect(mayLearnOf({ ...h2, secretariatNamed: true }, SECRETARIAT)).toBe(true);
  });

  it('tells a country of a report it may not see nothing, even when its own report links', () => {
    const es = observation('ES', { handling: { restrictedTo: ['ES'] } });
    const pair = fold([es, observation('FR')]);
    // FR may not know of ES's report: no link for FR; ES and the Secretariat see both.
    expect(byRecipient(pair.alerts)).toEqual(['ES:FR', 'secretariat:ES,FR']);
    const third = fold([observation('DE')], pair.state).alerts;
    expect(byRecipient(third)).toEqual(['DE:FR', 'ES:DE,FR', 'FR:DE', 'secretariat:DE,ES,FR']);
  });

  it('keeps a new country even when the selector is full, and drops more of a known one', () => {
    const full = fold([observation('FR'), observation('FR')]).state as LinkState;
    expect(decideOnObservation(full, observation('FR'), 2)).toBeUndefined();
    expect(decideOnObservation(full, observation('DE'), 2)?.state.observations).toHaveLength(3);
  });

  it('derives the same alert ids from the same decisions (a restart re-sends duplicates)', () => {
    const sightings = [observation('FR'), observation('DE'), observation('ES')];
    expect(fold(sightings).alerts.map((a) => a.alertId)).toEqual(
      fold(sightings).alerts.map((a) => a.alertId),
    );
  });
});

describe('link decision properties', () => {
  it('never tells a country of a report whose restricted_to excludes it (or, for H2, that was not addressed to it)', () => {
    fc.assert(
      fc.property(sightingsArb, (sightings) => {
        for (const alert of fold(sightings).alerts) {
          if (alert.recipient === SECRETARIAT) continue;
          for (const report of alert.view.others) {
            const { restrictedTo, code } = report.handling;
            expect(restrictedTo.length === 0 || restrictedTo.includes(alert.recipient)).toBe(true);
            if (code === 'H2') expect(report.addressedTo).toContain(alert.recipient);
          }
          for (const country of alert.countries) {
            expect(alert.view.others.some((o) => o.country === country)).toBe(true);
          }
          expect(alert.view.own.every((o) => o.country === alert.recipient)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never repeats an alert for the same (link, recipient, countries), whatever repeats', () => {
    fc.assert(
      fc.property(sightingsArb, (sightings) => {
        const { state, alerts } = fold(sightings);
        const ids = alerts.map((a) => a.alertId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(byRecipient(alerts)).size).toBe(alerts.length);
        // Replaying every sighting (a restart from the beginning) decides nothing new.
        expect(fold(sightings, state).alerts).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('alerts each recipient at most once per country it learns of', () => {
    fc.assert(
      fc.property(fc.array(observationArb, { maxLength: 12 }), (sightings) => {
        const { alerts } = fold(sightings);
        for (const recipient of new Set(alerts.map((a) => a.recipient))) {
          const mine = alerts.filter((a) => a.recipient === recipient);
          const sizes = mine.map((a) => a.countries.length);
          // Each later alert names strictly more countries than the one before.
          sizes.forEach((size, i) => i === 0 || expect(size).toBeGreaterThan(sizes[i - 1] ?? 0));
        }
      }),
      { numRuns: 200 },
    );
  });
});
