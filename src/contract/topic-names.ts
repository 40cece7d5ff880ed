/**
 * Kafka topic names, part of the contract: Secretariat services and national systems read these
 * topics directly (see proto/README.md). Versioned with the API (v1).
 */
export const TOPICS = {
  secretariat: 'intel.v1.secretariat',
  workingGroup: 'intel.v1.wg.internet-drugs',
  broadcast: 'intel.v1.broadcast',
  deadLetter: 'intel.v1.deadletter',
  audit: 'intel.v1.audit',
  auditHeads: 'intel.v1.audit.heads',
  idempotency: 'intel.v1.idempotency',
  contactPointDirectory: 'intel.v1.directory.contact-points',
  // Readers' processed message ids (compacted + retention, key "<group>|<message_id>"): the
  // de-duplication memory of src/services/readers, written with each reader's offset commit.
  readersProcessed: 'intel.v1.readers.processed',
  // Link detection (src/services/links/detector): selector observations re-keyed by selector key (JSON,
  // a keyed hash, never a raw selector), and the detector's index, a compacted changelog keyed
  // the same way and partitioned alike (partition p of one holds the keys of partition p of the
  // other).
  linkSelectors: 'intel.v1.selectors',
  linkState: 'intel.v1.links.state',
  // Request-deadline ledger (src/services/requests): ledger events keyed by request id, and the ledger
  // itself, a compacted changelog keyed by request id.
  requestEvents: 'intel.v1.requests.events',
  requestLedger: 'intel.v1.requests.ledger',
} as const;

const COUNTRY_PREFIX = 'intel.v1.country.';

/** The inbox topic of a member country: `intel.v1.country.FR`. */
export function countryTopic(country: string): string {
  return `${COUNTRY_PREFIX}${country}`;
}

/** The country whose inbox `topic` is, or undefined. */
export function countryOfTopic(topic: string): string | undefined {
  return topic.startsWith(COUNTRY_PREFIX) ? topic.slice(COUNTRY_PREFIX.length) : undefined;
}
