import type { SelectorKind } from '../selector-types';
import {
  isKind,
  isRecord,
  isStrings,
  parse,
  readStoredObservation,
  type SelectorObservation,
  type StoredObservation,
} from './observation-types';

/**
 * What the index holds for one selector key (the value of `intel.v1.links.state`, key = the
 * selector key): every report that named the selector, and what each recipient was last told.
 */
export interface LinkState {
  readonly selectorKey: string;
  readonly kind: SelectorKind;
  /** In the order they were indexed. */
  readonly observations: readonly StoredObservation[];
  /**
   * Per recipient (a country, or `secretariat`): the countries its last alert named, sorted.
   * An alert is due when what the recipient may see now names a country this list does not.
   */
  readonly told: Readonly<Record<string, readonly string[]>>;
  /** Alerts the gateway refused for good (alert id → reason): not sent again. */
  readonly refused: Readonly<Record<string, string>>;
}

/**
 * The state after indexing `observation`, or undefined when nothing changes: the report (country
 * and message id) is indexed already (a replay), or the selector holds `maxObservations` and the country is in it
 * already (a new country is always indexed: it is what a link is made of). Pure.
 */
export function applyObservation(
  state: LinkState | undefined,
  observation: SelectorObservation,
  maxObservations: number,
): LinkState | undefined {
  const { selectorKey, kind, ...stored } = observation;
  const current = state ?? { selectorKey, kind, observations: [], told: {}, refused: {} };
  const { observations } = current;
  // A report is its country's and its id together: another country's report under the same id is
  // another report (ids are unique per sender only).
  const sameReport = (o: typeof stored) =>
    o.messageId === stored.messageId && o.country === stored.country;
  if (observations.some(sameReport)) return undefined;
  const known = observations.some((o) => o.country === stored.country);
  if (known && observations.length >= maxObservations) return undefined;
  return { ...current, observations: [...observations, stored] };
}

/** JSON bytes of a link state (the changelog's value). */
export function encodeLinkState(state: LinkState): Buffer {
  return Buffer.from(JSON.stringify(state), 'utf8');
}

/** A link state read back, or undefined for bytes that are not one. */
export function decodeLinkState(value: Buffer): LinkState | undefined {
  const parsed = parse(value);
  if (!isRecord(parsed) || typeof parsed.selectorKey !== 'string' || !isKind(parsed.kind)) {
    return undefined;
  }
  const { observations, told, refused } = parsed;
  if (!Array.isArray(observations) || !isRecord(told) || !isRecord(refused)) return undefined;
  const read = observations.map(readStoredObservation);
  if (!read.every((o): o is StoredObservation => o !== undefined)) return undefined;
  if (!Object.values(told).every(isStrings)) return undefined;
  if (!Object.values(refused).every((reason) => typeof reason === 'string')) return undefined;
  return {
    selectorKey: parsed.selectorKey,
    kind: parsed.kind,
    observations: read,
    told: told as Record<string, string[]>,
    refused: refused as Record<string, string>,
  };
}
