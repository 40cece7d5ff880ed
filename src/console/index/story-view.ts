import type { MessageStoryView, StoryHop } from '../console-model';
import { isoOrNull, sizeOf } from './record-facts';
import type { HeldHop, StoryHeader } from './story-pack';

/**
 * The order of src/audit/message-story.ts's compareStoryOrder, on held hops: by time (hops
 * without one first), then chain id, then sequence. Sequences that are not decimal integers
 * (foreign records) compare as text instead of throwing.
 */
export function compareHeldHops(a: HeldHop, b: HeldHop): number {
  const time = timeKey(a.atMs) - timeKey(b.atMs);
  if (time !== 0 && !Number.isNaN(time)) return time;
  if (a.chainId !== b.chainId) return a.chainId < b.chainId ? -1 : 1;
  return compareSequences(a.sequence, b.sequence);
}

function timeKey(atMs: number): number {
  return Number.isNaN(atMs) ? Number.NEGATIVE_INFINITY : atMs;
}

const DECIMAL = /^\d+$/;

function compareSequences(a: string, b: string): number {
  if (DECIMAL.test(a) && DECIMAL.test(b)) {
    const [x, y] = [BigInt(a), BigInt(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A message's story as the console shows it: hops in story order, each placed on the waterfall
 * relative to the first timed hop and to the timed hop before it.
 */
export function storyView(
  messageId: string,
  header: StoryHeader,
  held: readonly HeldHop[],
): MessageStoryView {
  let first: number | null = null;
  let previous: number | null = null;
  const hops: StoryHop[] = [];
  for (const hop of [...held].sort(compareHeldHops)) {
    const at = isoOrNull(hop.atMs);
    if (at === null) {
      hops.push(placed(hop, null, null, null));
      continue;
    }
    first ??= hop.atMs;
    hops.push(placed(hop, at, hop.atMs - first, previous === null ? null : hop.atMs - previous));
    previous = hop.atMs;
  }
  return {
    messageId,
    messageType: header.messageType,
    origin: header.origin,
    traceId: header.traceId,
    payloadSha256: header.payloadSha256,
    payloadSize: sizeOf(header.payloadSize),
    hops,
    spanMs: first === null || previous === null ? null : previous - first,
  };
}

/** The hop as the page shows it (properties in StoryHop's order, for readable JSON). */
function placed(
  hop: HeldHop,
  at: string | null,
  offsetMs: number | null,
  sincePreviousMs: number | null,
): StoryHop {
  return {
    event: hop.event,
    at,
    offsetMs,
    sincePreviousMs,
    identity: hop.identity,
    reader: hop.reader,
    chainId: hop.chainId,
    sequence: hop.sequence,
    locations: hop.locations,
    routesNotTaken: hop.routesNotTaken,
    ruleId: hop.ruleId,
    reason: hop.reason,
    description: hop.description,
    fields: hop.fields,
  };
}
