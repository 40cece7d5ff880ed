import type { KafkaAdmin, KafkaClient } from '../../../kafka/kafka-connection';
import { TOPICS } from '../../../contract/topic-names';
import { readTopicToEnd } from '../../../kafka/topic-reader';
import type { SelectorKind } from '../selector-types';
import { linkIdOf } from './link-decision';
import { decodeLinkState, type LinkState } from './link-state';
import { isLink, viewFor, type CountryMatch } from './link-views';
import { mayLearnOf, type Recipient } from './visibility';

/** One link a message took part in, as one recipient may see it. */
export interface LinkListing {
  readonly linkId: string;
  readonly selectorKind: SelectorKind;
  /** The message asked about. */
  readonly messageId: string;
  readonly recipient: Recipient;
  /** The recipient's own reports with the selector (for the Secretariat: all it may know of). */
  readonly ownReports: readonly string[];
  readonly matches: readonly CountryMatch[];
  /** The countries the recipient's last alert of this link named (empty: none sent yet). */
  readonly alerted: readonly string[];
}

/**
 * The links `messageId` took part in, as `recipient` may see them: only selectors whose report
 * by that message the recipient may know of (the same rule as alerts: mayLearnOf), and only
 * where the recipient's view is a link (it is involved). For an agency (`ncbOnly` false), a link
 * mentioning an NCB_ONLY report is left out, as its alert is readable by the NCB only. Sorted by
 * link id. Pure.
 */
export function linksOfMessage(
  states: Iterable<LinkState>,
  messageId: string,
  recipient: Recipient,
  options: { readonly agency?: boolean } = {},
): LinkListing[] {
  const listings: LinkListing[] = [];
  for (const state of states) {
    const report = state.observations.find((o) => o.messageId === messageId);
    if (report === undefined || !mayLearnOf(report, recipient)) continue;
    const view = viewFor(state, recipient);
    if (!isLink(view)) continue;
    const mentioned = [...view.own, ...view.others];
    if (options.agency === true && mentioned.some((o) => o.handling.flags.includes('ncb-only'))) {
      continue;
    }
    listings.push({
      linkId: linkIdOf(state.selectorKey),
      selectorKind: state.kind,
      messageId,
      recipient,
      ownReports: view.own.map((o) => o.messageId),
      matches: view.matches,
      alerted: [...(state.told[recipient] ?? [])],
    });
  }
  return listings.sort((a, b) => (a.linkId < b.linkId ? -1 : a.linkId > b.linkId ? 1 : 0));
}

/**
 * Every selector's latest state in the index (`intel.v1.links.state` read to its end, the last
 * record per key; tombstones and values that do not decode are left out).
 * @throws IntelrouteError KAFKA_TOPIC_MISSING, KAFKA_TIMEOUT, KAFKA_UNAVAILABLE.
 */
export async function readLinkIndex(deps: {
  readonly kafka: KafkaClient;
  readonly admin: KafkaAdmin;
  readonly topicPrefix: string;
}): Promise<LinkState[]> {
  const topic = `${deps.topicPrefix}${TOPICS.linkState}`;
  const latest = new Map<string, LinkState>();
  for (const record of await readTopicToEnd(deps, topic)) {
    const key = record.key?.toString('utf8');
    if (key === undefined) continue;
    const state = record.value === null ? undefined : decodeLinkState(record.value);
    if (state === undefined) latest.delete(key);
    else latest.set(key, state);
  }
  return [...latest.values()];
}
