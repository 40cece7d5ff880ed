import type { HopEvent, StoryHop } from '../console-model';
import { PackReader, PackWriter } from './pack-codec';
import type { AuditFact } from './record-facts';
import type { StringTable } from './string-table';

/*
 * A held story is one packed string (pack-codec.ts): its header, then its hops in the order they
 * were read. Header: origin, messageType, traceId, payloadSha256, payloadSize, hop count. Hop:
 * event, at (ms), chainId, sequence, identity, a mask of the optional parts present, then those
 * parts in the mask's bit order. Most hops have few of them, so an absent part costs nothing.
 */

/** What a story says of its message, from the first records that said it. */
export interface StoryHeader {
  readonly origin: string;
  readonly messageType: string;
  readonly traceId: string;
  readonly payloadSha256: string;
  readonly payloadSize: string;
  readonly hopCount: number;
}

/** A hop as held: a StoryHop before it is placed among the others (time in ms). */
export type HeldHop = Omit<StoryHop, 'at' | 'offsetMs' | 'sincePreviousMs'> & {
  readonly atMs: number;
};

const EVENTS: readonly HopEvent[] = [
  'OTHER',
  'RECEIVED',
  'REFUSED',
  'ROUTED',
  'DELIVERED',
  'ACKED',
  'DEAD_LETTERED',
  'DUPLICATE',
  'SUBSCRIBE_REFUSED',
];

const READER = 1;
const RULE = 2;
const REASON = 4;
const DESCRIPTION = 8;
const FIELDS = 16;
const LOCATIONS = 32;
const NOT_TAKEN = 64;

export function packHeader(table: StringTable, header: StoryHeader): string {
  return new PackWriter(table)
    .ref(header.origin)
    .ref(header.messageType)
    .text(header.traceId)
    .text(header.payloadSha256)
    .text(header.payloadSize)
    .number(header.hopCount)
    .done();
}

/** The header of a packed story, and where its hops start. */
export function unpackHeader(
  packed: string,
  table: StringTable,
): { header: StoryHeader; hopsStart: number } {
  const reader = new PackReader(packed, table);
  const header: StoryHeader = {
    origin: reader.ref(),
    messageType: reader.ref(),
    traceId: reader.text(),
    payloadSha256: reader.text(),
    payloadSize: reader.text(),
    hopCount: reader.number(),
  };
  return { header, hopsStart: reader.position };
}

/** The origin of a packed story (its first token), without reading the rest. */
export function originOfStory(packed: string, table: StringTable): string {
  return new PackReader(packed, table).ref();
}

export function packHop(table: StringTable, fact: AuditFact): string {
  const mask =
    (fact.reader === '' ? 0 : READER) |
    (fact.ruleId === '' ? 0 : RULE) |
    (fact.reason === '' ? 0 : REASON) |
    (fact.description === '' ? 0 : DESCRIPTION) |
    (fact.fields.length === 0 ? 0 : FIELDS) |
    (fact.locations.length === 0 ? 0 : LOCATIONS) |
    (fact.routesNotTaken.length === 0 ? 0 : NOT_TAKEN);
  const w = new PackWriter(table)
    .number(EVENTS.indexOf(fact.event))
    .number(fact.atMs)
    .ref(fact.chainId)
    .text(fact.sequence)
    .ref(fact.identity)
    .number(mask);
  if (mask & READER) w.ref(fact.reader);
  if (mask & RULE) w.ref(fact.ruleId);
  if (mask & REASON) w.ref(fact.reason);
  if (mask & DESCRIPTION) w.text(fact.description);
  if (mask & FIELDS) {
    w.number(fact.fields.length);
    for (const field of fact.fields) w.text(field);
  }
  if (mask & LOCATIONS) {
    w.number(fact.locations.length);
    for (const l of fact.locations) w.ref(l.topic).number(l.partition).text(l.offset);
  }
  if (mask & NOT_TAKEN) {
    w.number(fact.routesNotTaken.length);
    // Descriptions of routes not taken repeat per topic and reason: interned too.
    for (const r of fact.routesNotTaken) w.ref(r.topic).ref(r.reason).ref(r.description);
  }
  return w.done();
}

/** The hops of a packed story, in the order they were read. */
export function unpackHops(packed: string, table: StringTable, hopsStart: number): HeldHop[] {
  const r = new PackReader(packed, table, hopsStart);
  const hops: HeldHop[] = [];
  while (!r.atEnd) {
    const event = EVENTS[r.number()] ?? 'OTHER';
    const atMs = r.number();
    const chainId = r.ref();
    const sequence = r.text();
    const identity = r.ref();
    const mask = r.number();
    const reader = mask & READER ? r.ref() : '';
    const ruleId = mask & RULE ? r.ref() : '';
    const reason = mask & REASON ? r.ref() : '';
    const description = mask & DESCRIPTION ? r.text() : '';
    const fields = mask & FIELDS ? repeat(r.number(), () => r.text()) : [];
    const locations =
      mask & LOCATIONS
        ? repeat(r.number(), () => ({ topic: r.ref(), partition: r.number(), offset: r.text() }))
        : [];
    const routesNotTaken =
      mask & NOT_TAKEN
        ? repeat(r.number(), () => ({ topic: r.ref(), reason: r.ref(), description: r.ref() }))
        : [];
    hops.push({
      event,
      atMs,
      identity,
      reader,
      chainId,
      sequence,
      locations,
      routesNotTaken,
      ruleId,
      reason,
      description,
      fields,
    });
  }
  return hops;
}

function repeat<T>(count: number, read: () => T): T[] {
  const items: T[] = [];
  for (let i = 0; i < count; i += 1) items.push(read());
  return items;
}
