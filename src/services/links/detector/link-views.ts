import type { LinkState } from './link-state';
import type { StoredObservation } from './observation-types';
import { mayLearnOf, SECRETARIAT, type Recipient } from './visibility';

/** Another country holding reports with the selector, as far as the recipient may know. */
export interface CountryMatch {
  readonly country: string;
  readonly reportCount: number;
  readonly firstReportedAt: string;
  readonly lastReportedAt: string;
}

/** What one recipient may see of a selector's reports. */
export interface RecipientView {
  readonly recipient: Recipient;
  /**
   * A country: its own reports. The Secretariat: every report it may know of (its stream holds
   * them all), which is what its alert lists as "own".
   */
  readonly own: readonly StoredObservation[];
  /** The reports of other countries it may know of (the alert tells of them, not their content). */
  readonly others: readonly StoredObservation[];
  /** The countries (other than the recipient) of reports it may know of, sorted by country. */
  readonly matches: readonly CountryMatch[];
}

/** The recipient's view of a selector's reports. Pure. */
export function viewFor(state: LinkState, recipient: Recipient): RecipientView {
  const visible = state.observations.filter((o) => mayLearnOf(o, recipient));
  const own =
    recipient === SECRETARIAT ? visible : state.observations.filter((o) => o.country === recipient);
  const others = visible.filter((o) => o.country !== recipient);
  return { recipient, own, others, matches: matchesOf(others) };
}

/** The countries a view names, sorted: what an alert tells and what `told` remembers. */
export function viewCountries(view: RecipientView): string[] {
  return view.matches.map((match) => match.country);
}

/**
 * Whether the view is a link for its recipient: a country with a report of its own and at least
 * one other country it may know of; the Secretariat once it may know of two countries or more.
 */
export function isLink(view: RecipientView): boolean {
  if (view.recipient === SECRETARIAT) return view.matches.length >= 2;
  return view.own.length >= 1 && view.matches.length >= 1;
}

/** Everyone a selector's state may concern: the Secretariat and every reporting country. */
export function candidateRecipients(state: LinkState): Recipient[] {
  const countries = new Set(state.observations.map((o) => o.country));
  return [SECRETARIAT, ...[...countries].sort()];
}

function matchesOf(observations: readonly StoredObservation[]): CountryMatch[] {
  const byCountry = new Map<string, StoredObservation[]>();
  for (const observation of observations) {
    byCountry.set(observation.country, [
      ...(byCountry.get(observation.country) ?? []),
      observation,
    ]);
  }
  return [...byCountry]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([country, reports]) => {
      const times = reports.map((r) => r.observedAt).sort();
      return {
        country,
        reportCount: reports.length,
        firstReportedAt: times[0] as string,
        lastReportedAt: times[times.length - 1] as string,
      };
    });
}
