/**
 * Heap bytes the ops console's AuditIndex costs per held message, and the time of the calls its
 * pages make: fills an index with `count` messages of four audit records each, shaped like the
 * gateway's (a ROUTED with 2 locations and 1 route not taken, 2 DELIVERED, 1 ACKED), compares
 * heapUsed after a full GC before and after (as bench/idempotency-memory.ts does), then times
 * search(), flow() and refusals(). Needs node's --expose-gc:
 * `node --expose-gc --import tsx bench/console-index-memory.ts [count]`; prints one JSON line.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseAuditValue } from '../src/audit/audit-format';
import { AuditIndex } from '../src/console/audit-index';
import { AuditEvent, AuditRecord } from '../src/contract/generated/intelroute/v1/records';
import { IntelrouteError } from '../src/core/errors';

export interface ConsoleIndexMemoryResult {
  readonly messages: number;
  /** Live heap growth divided by the messages held, in bytes. */
  readonly bytesPerMessage: number;
  readonly heapBytes: number;
  /** Mean time of one call, in microseconds. */
  readonly searchByMessageIdUs: number;
  readonly searchByTraceIdUs: number;
  readonly searchMissUs: number;
  readonly flowUs: number;
  readonly refusalsUs: number;
  readonly refusalsFilteredUs: number;
  /** Time to add one record while filling, in microseconds. */
  readonly addUs: number;
}

const SENDERS = ['ncb:FR', 'ncb:NL', 'ncb:BE', 'ncb:ES'];
const READERS = ['country-DE', 'secretariat'];

/**
 * A record as the console reads it: written as the trail's JSON and parsed back, so its strings
 * are the parser's flat strings (randomUUID's are trees of small strings, ~480 B each).
 */
function asRead(record: AuditRecord): AuditRecord {
  return parseAuditValue(Buffer.from(JSON.stringify(AuditRecord.toJSON(record))));
}

/** The four records of the bench's i-th message (offsets and sequences grow, like Kafka's). */
export function messageRecords(i: number, atMs: number): AuditRecord[] {
  const origin = SENDERS[i % SENDERS.length]!;
  const shared = {
    messageId: randomUUID(),
    messageType: 'online-vendor-report',
    origin,
    traceId: randomBytes(16).toString('hex'),
    payloadSha256: randomBytes(32).toString('hex'),
    payloadSize: '995',
    previousHash: randomBytes(32).toString('hex'),
  };
  const locations = [
    { topic: 'intel.v1.country.DE', partition: i % 3, offset: String(2 * i) },
    { topic: 'intel.v1.secretariat', partition: (i + 1) % 3, offset: String(i) },
  ];
  const reading = (reader: string, index: number, event: AuditEvent, late: number) =>
    AuditRecord.fromPartial({
      ...shared,
      chainId: `reader-${reader}-host-1`,
      sequence: String(2 * i + (event === AuditEvent.AUDIT_EVENT_ACKED ? 1 : 0)),
      event,
      at: new Date(atMs + late),
      identity: `urn:intelroute:reader:${reader}-host-1`,
      reader,
      locations: [locations[index]!],
    });
  const records = [
    AuditRecord.fromPartial({
      ...shared,
      chainId: 'gateway-1',
      sequence: String(i),
      event: AuditEvent.AUDIT_EVENT_ROUTED,
      at: new Date(atMs),
      identity: `urn:intelroute:${origin}`,
      ruleId: 'h1-restricted',
      locations,
      routesNotTaken: [
        {
          topic: 'intel.v1.working-group',
          reason: 'RESTRICTED_TO_EXCLUDES',
          description: 'intel.v1.working-group is read by other countries than restricted_to',
        },
      ],
    }),
    reading(READERS[0]!, 0, AuditEvent.AUDIT_EVENT_DELIVERED, 12),
    reading(READERS[1]!, 1, AuditEvent.AUDIT_EVENT_DELIVERED, 15),
    reading(READERS[0]!, 0, AuditEvent.AUDIT_EVENT_ACKED, 30),
  ];
  return records.map(asRead);
}

export function refusedRecord(i: number, atMs: number): AuditRecord {
  return asRead(
    AuditRecord.fromPartial({
      chainId: 'gateway-1',
      sequence: String(1e9 + i),
      previousHash: randomBytes(32).toString('hex'),
      event: AuditEvent.AUDIT_EVENT_REFUSED,
      at: new Date(atMs),
      messageId: randomUUID(),
      messageType: 'online-vendor-report',
      origin: SENDERS[i % SENDERS.length]!,
      identity: `urn:intelroute:${SENDERS[i % SENDERS.length]!}`,
      reason: i % 2 === 0 ? 'SCHEMA_VIOLATION' : 'NOT_AUTHORIZED',
      description: 'payload/urls/0 must match format "uri"',
      fields: ['payload/urls/0'],
    }),
  );
}

/** Mean microseconds of `fn` over `runs` calls. */
function timeUs(runs: number, fn: (i: number) => unknown): number {
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn(i);
  return Math.round(((performance.now() - start) * 1000) / runs);
}

export function measureConsoleIndex(count = 100_000): ConsoleIndexMemoryResult {
  const collect = globalThis.gc;
  if (collect === undefined) {
    throw new IntelrouteError(
      'INTERNAL',
      'measureConsoleIndex needs a full GC: run node with --expose-gc',
    );
  }
  const nowMs = Date.now();
  // The messages span the last 50 s, so the flow window holds real buckets.
  const stepMs = 50_000 / count;
  const probes: Array<{ messageId: string; traceId: string }> = [];
  collect();
  const before = process.memoryUsage().heapUsed;
  const index = new AuditIndex({ maxMessages: count, now: () => nowMs });
  let addMs = 0;
  for (let i = 0; i < count; i++) {
    const records = messageRecords(i, nowMs - 50_000 + i * stepMs);
    if (i % 1000 === 0) probes.push(records[0]!);
    const start = performance.now();
    for (const record of records) index.add(record);
    addMs += performance.now() - start;
  }
  collect();
  const heapBytes = process.memoryUsage().heapUsed - before;
  const heldCount = index.totals().messagesHeld;
  if (heldCount !== count) {
    throw new IntelrouteError('INTERNAL', `index held ${heldCount} of ${count} messages`);
  }
  // Refusals after the measure: they are held messages too, and evict as many of the oldest.
  for (let i = 0; i < 2_000; i++) index.add(refusedRecord(i, nowMs - 1_000));
  // The first probes' messages were just evicted by the refusals: probe held ones only.
  const held = probes.slice(5);
  const probe = (i: number) => held[(i * 7) % held.length]!;
  return {
    messages: count,
    bytesPerMessage: Math.round(heapBytes / count),
    heapBytes,
    searchByMessageIdUs: timeUs(1_000, (i) => index.search(probe(i).messageId)),
    searchByTraceIdUs: timeUs(1_000, (i) => index.search(probe(i).traceId.toUpperCase())),
    searchMissUs: timeUs(1_000, () => index.search('no-such-message')),
    flowUs: timeUs(200, () => index.flow()),
    refusalsUs: timeUs(200, () => index.refusals()),
    refusalsFilteredUs: timeUs(200, () =>
      index.refusals({ reason: 'NOT_AUTHORIZED', sender: 'NL' }),
    ),
    addUs: Math.round(((addMs * 1000) / (count * 4)) * 100) / 100,
  };
}

if (require.main === module) {
  const count = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  process.stdout.write(`${JSON.stringify(measureConsoleIndex(count))}\n`);
}
