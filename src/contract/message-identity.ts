import { OriginKind, type Envelope, type Origin } from './generated/intelroute/v1/envelope';

/**
 * What identifies a message everywhere in the pipeline: its declared origin and its id,
 * `"<origin>|<message_id>"` (e.g. `ncb:FR|0f8e…`). A message id is unique only for its sender:
 * two countries may use the same one, by chance or on purpose, and any recipient sees ids. The
 * gateway's idempotency memory, readers' duplicate suppression, Subscribe clients, the link
 * detector and the request ledger all key messages this way, so one country can never make
 * another's report look like a copy of its own.
 */
export function messageIdentity(envelope: Pick<Envelope, 'origin' | 'messageId'>): string {
  return `${formatOrigin(envelope.origin)}|${envelope.messageId}`;
}

/** "ncb:FR", "agency:FR:fr-customs", "secretariat", "secretariat:ops-centre", "wg:DE", "system". */
export function formatOrigin(origin: Origin | undefined): string {
  if (origin === undefined) return 'unknown';
  const agency = origin.agencyId === '' ? '' : `:${origin.agencyId}`;
  switch (origin.kind) {
    case OriginKind.ORIGIN_KIND_NCB:
      return `ncb:${origin.country}`;
    case OriginKind.ORIGIN_KIND_AGENCY:
      return `agency:${origin.country}${agency}`;
    case OriginKind.ORIGIN_KIND_SECRETARIAT:
      return `secretariat${agency}`;
    case OriginKind.ORIGIN_KIND_WORKING_GROUP_MEMBER:
      return `wg:${origin.country}`;
    case OriginKind.ORIGIN_KIND_SYSTEM:
      return `system${agency}`;
    default:
      return 'unknown';
  }
}
