import { TOPICS, countryTopic } from '../../contract/topic-names';

/** Which stream a reader (or subscriber) reads. */
export type StreamSelector =
  | { readonly kind: 'country-inbox'; readonly country: string }
  | { readonly kind: 'secretariat' }
  | { readonly kind: 'working-group' };

/** A reader's topics (prefix applied), its consumer group, and its name in ids and logs. */
export interface ReaderStream {
  /** e.g. `reader-country-FR`, `reader-secretariat` (the instance id starts with it). */
  readonly name: string;
  readonly group: string;
  readonly topics: readonly string[];
}

/** The topics of a stream: a country's inbox and the broadcast topic, or one shared topic. */
export function streamTopics(stream: StreamSelector, prefix: string): string[] {
  switch (stream.kind) {
    case 'country-inbox':
      return [`${prefix}${countryTopic(stream.country)}`, `${prefix}${TOPICS.broadcast}`];
    case 'secretariat':
      return [`${prefix}${TOPICS.secretariat}`];
    case 'working-group':
      return [`${prefix}${TOPICS.workingGroup}`];
  }
}

/**
 * The reference reader of a stream: group `intelroute.reader.country.<CC>`,
 * `intelroute.reader.secretariat` or `intelroute.reader.working-group`. The topic prefix is put
 * in front of group names too, so deployments sharing a cluster never share a group.
 */
export function readerStream(stream: StreamSelector, prefix: string): ReaderStream {
  const suffix = stream.kind === 'country-inbox' ? `country.${stream.country}` : stream.kind;
  return {
    name: `reader-${suffix.replace('.', '-')}`,
    group: `${prefix}intelroute.reader.${suffix}`,
    topics: streamTopics(stream, prefix),
  };
}

/** A subscriber's group: offsets belong to the identity, not to one connection. */
export function subscriberGroup(identityUrn: string, prefix: string): string {
  return `${prefix}intelroute.subscriber.${identityUrn}`;
}
