import type { MessageStoryView } from '../console-model';
import type { AuditFact } from './record-facts';
import {
  originOfStory,
  packHeader,
  packHop,
  unpackHeader,
  unpackHops,
  type StoryHeader,
} from './story-pack';
import { storyView } from './story-view';
import type { StringTable } from './string-table';

/**
 * Hops kept per story: intelroute writes a handful per message (a broadcast's deliveries a few
 * hundred); a foreign trail repeating one id endlessly stops growing its story here.
 */
export const MAX_HOPS = 1_000;

const TRACE_ID = /^[0-9a-f]{32}$/i;

/** One packed story, or several when origins share a message id (rare). */
type Stories = string | string[];

function listOf(stories: Stories | undefined): string[] {
  return stories === undefined ? [] : typeof stories === 'string' ? [stories] : stories;
}

/**
 * The stories of the last `maxMessages` messages (by first record seen), each one packed string
 * (story-pack.ts) under its message id, and the message ids of each trace id. Past the bound
 * the oldest story goes, with its trace id entry.
 */
export class StoryStore {
  private readonly stories = new Map<string, Stories>();
  /** Lowercase trace id -> the ids of the messages whose story carries it. */
  private readonly traces = new Map<string, Stories>();
  private heldCount = 0;
  private evictedCount = 0;

  constructor(
    private readonly maxMessages: number,
    private readonly table: StringTable,
  ) {}

  get held(): number {
    return this.heldCount;
  }

  get evicted(): number {
    return this.evictedCount;
  }

  record(fact: AuditFact): void {
    if (fact.messageId === '') return;
    const list = listOf(this.stories.get(fact.messageId));
    const index = list.findIndex((story) => originOfStory(story, this.table) === fact.origin);
    if (index < 0) {
      list.push(this.newStory(fact));
      this.keep(fact.messageId, list);
      this.heldCount += 1;
      this.indexTrace(fact.traceId, fact.messageId);
      this.evictBeyondBound();
      return;
    }
    const { header, hopsStart } = unpackHeader(list[index]!, this.table);
    if (header.hopCount >= MAX_HOPS) return;
    const merged = mergedHeader(header, fact);
    list[index] = [
      packHeader(this.table, merged),
      list[index]!.slice(hopsStart),
      packHop(this.table, fact),
    ].join('');
    this.keep(fact.messageId, list);
    if (merged.traceId !== header.traceId) this.indexTrace(merged.traceId, fact.messageId);
  }

  /** Every story of a message id (one per origin that used it), oldest first. */
  byMessageId(messageId: string): MessageStoryView[] {
    return listOf(this.stories.get(messageId)).map((story) => this.view(messageId, story));
  }

  /** Every story whose trace id is `traceId` (any case). */
  byTraceId(traceId: string): MessageStoryView[] {
    const trace = traceId.toLowerCase();
    return listOf(this.traces.get(trace)).flatMap((messageId) =>
      this.byMessageId(messageId).filter((story) => story.traceId.toLowerCase() === trace),
    );
  }

  private newStory(fact: AuditFact): string {
    const header = mergedHeader(
      {
        origin: fact.origin,
        messageType: '',
        traceId: '',
        payloadSha256: '',
        payloadSize: '',
        hopCount: 0,
      },
      fact,
    );
    return [packHeader(this.table, header), packHop(this.table, fact)].join('');
  }

  private keep(messageId: string, list: string[]): void {
    // Setting an existing key keeps its place in the Map's order: the story stays as old as
    // its first record, which is what eviction goes by.
    this.stories.set(messageId, list.length === 1 ? list[0]! : list);
  }

  private view(messageId: string, story: string): MessageStoryView {
    const { header, hopsStart } = unpackHeader(story, this.table);
    return storyView(messageId, header, unpackHops(story, this.table, hopsStart));
  }

  private evictBeyondBound(): void {
    while (this.heldCount > this.maxMessages) {
      const oldest = this.stories.entries().next();
      if (oldest.done === true) return;
      const [messageId, stories] = oldest.value;
      const list = listOf(stories);
      const gone = list.shift()!;
      if (list.length === 0) this.stories.delete(messageId);
      else this.keep(messageId, list);
      this.heldCount -= 1;
      this.evictedCount += 1;
      this.unindexTrace(unpackHeader(gone, this.table).header.traceId, messageId, list);
    }
  }

  private indexTrace(traceId: string, messageId: string): void {
    if (!TRACE_ID.test(traceId)) return;
    const trace = traceId.toLowerCase();
    const ids = listOf(this.traces.get(trace));
    if (ids.includes(messageId)) return;
    ids.push(messageId);
    this.traces.set(trace, ids.length === 1 ? ids[0]! : ids);
  }

  /** Forgets that `messageId` has `traceId`, unless another of its stories still has it. */
  private unindexTrace(traceId: string, messageId: string, remaining: readonly string[]): void {
    if (!TRACE_ID.test(traceId)) return;
    const trace = traceId.toLowerCase();
    const stillThere = remaining.some(
      (story) => unpackHeader(story, this.table).header.traceId.toLowerCase() === trace,
    );
    if (stillThere) return;
    const ids = listOf(this.traces.get(trace)).filter((id) => id !== messageId);
    if (ids.length === 0) this.traces.delete(trace);
    else this.traces.set(trace, ids.length === 1 ? ids[0]! : ids);
  }
}

/** The header with every value it lacks taken from `fact`, and one hop more. */
function mergedHeader(header: StoryHeader, fact: AuditFact): StoryHeader {
  return {
    origin: header.origin,
    messageType: header.messageType || fact.messageType,
    traceId: header.traceId || fact.traceId,
    payloadSha256: header.payloadSha256 || fact.payloadSha256,
    payloadSize:
      header.payloadSize && header.payloadSize !== '0' ? header.payloadSize : fact.payloadSize,
    hopCount: header.hopCount + 1,
  };
}
