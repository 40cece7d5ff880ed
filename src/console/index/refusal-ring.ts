import type { RefusalFilter, RefusalList, RefusalView } from '../console-model';
import { isoOrNull, sizeOf, type AuditFact } from './record-facts';
import { senderOfIdentity, senderOfOrigin } from './sender-of';

/**
 * The refusal a fact records (REFUSED, DEAD_LETTERED, SUBSCRIBE_REFUSED), undefined for any
 * other event. The sender of a refusal is the origin's sender, of a dead letter the reader that
 * gave up, of a refused read the identity that asked.
 */
export function refusalOf(fact: AuditFact): RefusalView | undefined {
  const kind = KINDS[fact.event];
  if (kind === undefined) return undefined;
  const sender =
    kind === 'refused'
      ? senderOfOrigin(fact.origin)
      : kind === 'dead-lettered'
        ? fact.reader === ''
          ? 'unknown'
          : fact.reader
        : senderOfIdentity(fact.identity);
  return {
    kind,
    at: isoOrNull(fact.atMs),
    messageId: fact.messageId,
    messageType: fact.messageType,
    origin: fact.origin,
    sender,
    identity: fact.identity,
    reason: fact.reason,
    description: fact.description,
    fields: fact.fields,
    payloadSha256: fact.payloadSha256,
    payloadSize: sizeOf(fact.payloadSize),
    traceId: fact.traceId,
  };
}

const KINDS: Partial<Record<AuditFact['event'], RefusalView['kind']>> = {
  REFUSED: 'refused',
  DEAD_LETTERED: 'dead-lettered',
  SUBSCRIBE_REFUSED: 'subscribe-refused',
};

/** The latest `capacity` refusals (a ring: the oldest is overwritten), listed newest first. */
export class RefusalRing {
  private readonly items: RefusalView[] = [];
  /** Where the next refusal goes once the ring is full. */
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(refusal: RefusalView): void {
    if (this.capacity === 0) return;
    if (this.items.length < this.capacity) this.items.push(refusal);
    else this.items[this.next] = refusal;
    this.next = (this.next + 1) % this.capacity;
  }

  /** At most `limit` refusals matching every given filter value, newest first. */
  list(filter: RefusalFilter, limit: number): RefusalList {
    const items: RefusalView[] = [];
    const reasons = new Set<string>();
    const senders = new Set<string>();
    for (let i = 1; i <= this.items.length; i += 1) {
      const item = this.items[(this.next - i + this.items.length) % this.items.length]!;
      reasons.add(item.reason);
      senders.add(item.sender);
      if (items.length < limit && matches(item, filter)) items.push(item);
    }
    return {
      items,
      held: this.items.length,
      reasons: [...reasons].sort(),
      senders: [...senders].sort(),
    };
  }
}

function matches(item: RefusalView, { reason, sender, kind }: RefusalFilter): boolean {
  return (
    (!reason || item.reason === reason) &&
    (!sender || item.sender === sender) &&
    (!kind || item.kind === kind)
  );
}
