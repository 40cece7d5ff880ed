import type { SelectorKind } from '../selector-types';
import { uuidV5 } from '../../shared/deterministic-id';
import { applyObservation, type LinkState } from './link-state';
import {
  candidateRecipients,
  isLink,
  viewCountries,
  viewFor,
  type RecipientView,
} from './link-views';
import type { SelectorObservation } from './observation-types';
import type { Recipient } from './visibility';

/** One alert to send: who gets it, what it may say, and its deterministic ids. */
export interface AlertPlan {
  /**
   * The alert's message id: UUIDv5 over (selector key, recipient, the countries it names). A
   * re-send of the same decision (after a restart) has the same id, which the gateway answers
   * as a duplicate; a new country in the recipient's view makes a new id.
   */
  readonly alertId: string;
  /** UUIDv5 of the selector key: shared by every alert of the link. */
  readonly linkId: string;
  readonly recipient: Recipient;
  /** The countries the alert names, sorted (the recipient's own country excluded). */
  readonly countries: readonly string[];
  readonly view: RecipientView;
  readonly kind: SelectorKind;
  /** When the report that completed the link was accepted (deterministic, unlike a clock). */
  readonly detectedAt: string;
}

/** What indexing one observation decided: the new state and the alerts now due. */
export interface LinkDecision {
  readonly state: LinkState;
  readonly alerts: readonly AlertPlan[];
}

/**
 * Indexes an observation and decides the alerts it makes due; undefined when the index does not
 * change (a repeated sighting of an indexed report). Pure: the caller sends the alerts, then
 * records them with `markTold` before committing the state.
 */
export function decideOnObservation(
  state: LinkState | undefined,
  observation: SelectorObservation,
  maxObservations: number,
): LinkDecision | undefined {
  const next = applyObservation(state, observation, maxObservations);
  if (next === undefined) return undefined;
  return { state: next, alerts: alertsDue(next, observation.observedAt) };
}

/**
 * The alerts due for a selector's state: one per recipient whose view is a link (see isLink)
 * and names a country it was not told of yet. A repeated sighting (same countries) makes none;
 * a new country makes one for itself and one for each recipient that may know of it.
 */
export function alertsDue(state: LinkState, detectedAt: string): AlertPlan[] {
  const linkId = linkIdOf(state.selectorKey);
  const plans: AlertPlan[] = [];
  for (const recipient of candidateRecipients(state)) {
    const view = viewFor(state, recipient);
    if (!isLink(view)) continue;
    const countries = viewCountries(view);
    const told = state.told[recipient] ?? [];
    if (countries.every((country) => told.includes(country))) continue;
    const alertId = uuidV5(`link-alert|${state.selectorKey}|${recipient}|${countries.join(',')}`);
    plans.push({ alertId, linkId, recipient, countries, view, kind: state.kind, detectedAt });
  }
  return plans;
}

/** The link id of a selector key (UUIDv5): the same for every alert of the link. */
export function linkIdOf(selectorKey: string): string {
  return uuidV5(`link|${selectorKey}`);
}

/**
 * The state once the alerts were answered by the gateway: each recipient is remembered as told
 * of the countries its alert named, and alerts refused for good are kept with their reason (so
 * they are not sent again). Pure.
 */
export function markTold(
  state: LinkState,
  answered: readonly { readonly plan: AlertPlan; readonly refusedReason?: string }[],
): LinkState {
  const told = { ...state.told };
  const refused = { ...state.refused };
  for (const { plan, refusedReason } of answered) {
    told[plan.recipient] = [...plan.countries];
    if (refusedReason !== undefined) refused[plan.alertId] = refusedReason;
  }
  return { ...state, told, refused };
}
