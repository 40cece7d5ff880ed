/**
 * Builders and fast-check generators for the link detector's pure core: observations of one
 * selector by reports of a few countries under every kind of originator instruction.
 */
import fc from 'fast-check';
import type {
  ObservedHandling,
  SelectorObservation,
} from '../../../src/services/links/detector/observation-types';

/** The selector key of these tests (any 64 hex digits). */
export const KEY = 'a'.repeat(64);

/** Countries of the generated reports (few, so links form often). */
export const COUNTRIES = ['DE', 'ES', 'FR', 'IT'] as const;

let counter = 0;

/** A message id that differs per call (valid UUID shape). */
export function messageId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

/** An unrestricted H0 observation of KEY by `country`, with `overrides`. */
export function observation(
  country: string,
  overrides: Partial<Omit<SelectorObservation, 'handling'>> & {
    handling?: Partial<ObservedHandling>;
  } = {},
): SelectorObservation {
  const { handling, ...rest } = overrides;
  return {
    selectorKey: KEY,
    kind: 'domain',
    country,
    messageId: messageId(),
    addressedTo: [],
    secretariatNamed: false,
    observedAt: '2025-03-14T09:30:00.000Z',
    paths: ['/domains/0'],
    ...rest,
    handling: { code: 'H0', restrictedTo: [], flags: [], retentionDays: 365, ...handling },
  };
}

const country = fc.constantFrom(...COUNTRIES);
const countries = fc.uniqueArray(country, { maxLength: 3 }).map((list) => [...list].sort());

/** Originator instructions of a report: restricted_to, H2 addressees, flags. */
const handling = fc.record({
  code: fc.constantFrom('H0', 'H1', 'H2', 'H3') as fc.Arbitrary<ObservedHandling['code']>,
  restrictedTo: countries,
  flags: fc.subarray(['ncb-only', 'no-secretariat-copy'] as const).map((flags) => [...flags]),
  retentionDays: fc.integer({ min: 1, max: 1826 }),
});

/** One report's observation of KEY, with its own message id. */
export const observationArb: fc.Arbitrary<SelectorObservation> = fc
  .record({
    country,
    handling,
    addressedTo: countries,
    secretariatNamed: fc.boolean(),
    second: fc.integer({ min: 0, max: 59 }),
    id: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .map(({ country: cc, handling: h, addressedTo, secretariatNamed, second, id }) => ({
    selectorKey: KEY,
    kind: 'domain' as const,
    country: cc,
    messageId: `00000000-0000-4000-9000-${id.toString(16).padStart(12, '0')}`,
    handling: h,
    addressedTo,
    secretariatNamed,
    observedAt: `2025-03-14T09:30:${String(second).padStart(2, '0')}.000Z`,
    paths: ['/domains/0'],
  }));

/** A run of sightings, where some are repeats of earlier ones (replays). */
export const sightingsArb: fc.Arbitrary<SelectorObservation[]> = fc
  .array(observationArb, { minLength: 1, maxLength: 12 })
  .chain((list) =>
    fc
      .array(fc.nat({ max: list.length - 1 }), { maxLength: 6 })
      .map((repeats) => [...list, ...repeats.map((i) => list[i] as SelectorObservation)]),
  );
