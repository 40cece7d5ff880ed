/**
 * What the ops console shows, as plain data: the audit index and the live sources produce it,
 * the pages and the live stream render it. Operators see the audit trail's metadata only (ids,
 * types, origins, identities, hashes, sizes, topics, reasons, field paths): never a payload or
 * a selector, which the audit trail does not carry either.
 */

/** Accepted and refused messages of one second (`second`: Unix time in seconds). */
export interface SecondCounts {
  readonly second: number;
  readonly accepted: number;
  readonly refused: number;
}

/** A count under a key (a sender country, a reason, a topic). Sorted by count, largest first. */
export interface CountRow {
  readonly key: string;
  readonly count: number;
}

/** Messages that went from one node of the flow picture to another within the window. */
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

/** What the audit trail says of the last `windowSeconds` seconds (by each record's own time). */
export interface AuditFlow {
  readonly windowSeconds: number;
  /** One entry per second of the window, oldest first, zeros filled in. */
  readonly series: readonly SecondCounts[];
  /** Means over the last 10 seconds. */
  readonly acceptedPerSecond: number;
  readonly refusedPerSecond: number;
  /** Accepted messages by sender: the origin's country ("FR"), or the origin itself ("secretariat"). */
  readonly bySender: readonly CountRow[];
  readonly refusalsByReason: readonly CountRow[];
  /** Sender (as in bySender) -> topic a copy was written to (ROUTED locations). */
  readonly senderToTopic: readonly FlowEdge[];
  /** Topic -> reader (consumer group or subscriber) that delivered from it (DELIVERED). */
  readonly topicToReader: readonly FlowEdge[];
  readonly totals: IndexTotals;
}

/** How much of the trail the index has seen and holds. */
export interface IndexTotals {
  /** Audit records ingested since the console started (from the topic's beginning). */
  readonly records: number;
  /** Records that did not parse as an AuditRecord (counted, skipped). */
  readonly unreadable: number;
  /** Distinct messages whose story is held now (bounded; the oldest are let go first). */
  readonly messagesHeld: number;
  /** Messages let go to stay within the bound. */
  readonly messagesEvicted: number;
}

/** Publish -> ack latency of this gateway process over the recent window. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** How far a consumer group is behind the end of one topic it reads. */
export interface ReaderLag {
  readonly group: string;
  readonly topic: string;
  readonly lag: number;
}

export interface HealthView {
  /** This process's gateway: serving (ready), not ready, or not running in this process. */
  readonly gateway: 'serving' | 'not ready' | 'absent';
  readonly brokers: {
    readonly state: 'up' | 'down' | 'unknown';
    /** Brokers the cluster reports (0 when down or unknown). */
    readonly count: number;
    /** "3 brokers, controller 1" or the error of the last attempt. */
    readonly detail: string;
  };
  /** The console's own reading of the audit topic. */
  readonly auditTail: {
    readonly state: 'live' | 'catching up' | 'starting' | 'down';
    /** Records committed to the audit topic and not yet read (null: not known yet). */
    readonly behind: number | null;
  };
}

/** Everything the flow page shows; sent once a second on the live stream. */
export interface FlowSnapshot extends AuditFlow {
  /** ISO 8601 time the snapshot was taken. */
  readonly at: string;
  /** Null when no gateway runs in this process or nothing was acknowledged in the window. */
  readonly ackLatency: LatencySummary | null;
  readonly readers: readonly ReaderLag[];
  readonly health: HealthView;
}

/** Where a copy was written (ROUTED) or read from (reader events). */
export interface LocationView {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface RouteNotTakenView {
  readonly topic: string;
  /** A ReasonCode name, e.g. RESTRICTED_TO_EXCLUDES. */
  readonly reason: string;
  readonly description: string;
}

/** The AuditEvent names without their prefix. */
export type HopEvent =
  | 'RECEIVED'
  | 'REFUSED'
  | 'ROUTED'
  | 'DELIVERED'
  | 'ACKED'
  | 'DEAD_LETTERED'
  | 'DUPLICATE'
  | 'SUBSCRIBE_REFUSED'
  | 'OTHER';

/** One audit record of a message's story. */
export interface StoryHop {
  readonly event: HopEvent;
  /** ISO 8601, null when the record has no time. */
  readonly at: string | null;
  /** Milliseconds since the story's first timed hop (the waterfall's start), null without a time. */
  readonly offsetMs: number | null;
  /** Milliseconds since the previous timed hop, null for the first or without a time. */
  readonly sincePreviousMs: number | null;
  /** Who acted: the sender for ROUTED/REFUSED, the reader instance or subscriber otherwise. */
  readonly identity: string;
  /** Reader events: the consumer group or subscriber group. */
  readonly reader: string;
  readonly chainId: string;
  readonly sequence: string;
  readonly locations: readonly LocationView[];
  readonly routesNotTaken: readonly RouteNotTakenView[];
  readonly ruleId: string;
  readonly reason: string;
  readonly description: string;
  readonly fields: readonly string[];
}

/** A message's whole story as the audit trail tells it (one origin's message id). */
export interface MessageStoryView {
  readonly messageId: string;
  readonly messageType: string;
  readonly origin: string;
  readonly traceId: string;
  readonly payloadSha256: string;
  readonly payloadSize: number;
  /** In the order things happened (time, then chain, then sequence). */
  readonly hops: readonly StoryHop[];
  /** First to last timed hop, null with fewer than one timed hop. */
  readonly spanMs: number | null;
}

/**
 * A search by message id or trace id: the stories found (several when two origins used the same
 * id), or none, with how many messages the index holds so the page can say where else to look.
 */
export interface StorySearch {
  readonly query: string;
  readonly matchedBy: 'message id' | 'trace id' | null;
  readonly stories: readonly MessageStoryView[];
  readonly messagesHeld: number;
}

/** A refusal (REFUSED), a dead letter (DEAD_LETTERED) or a refused read (SUBSCRIBE_REFUSED). */
export interface RefusalView {
  readonly kind: 'refused' | 'dead-lettered' | 'subscribe-refused';
  readonly at: string | null;
  readonly messageId: string;
  readonly messageType: string;
  readonly origin: string;
  /** Sender (as in AuditFlow.bySender) for refusals; the reader for dead letters. */
  readonly sender: string;
  /** Who acted: the authenticated sender, or the reader instance. */
  readonly identity: string;
  readonly reason: string;
  readonly description: string;
  readonly fields: readonly string[];
  readonly payloadSha256: string;
  readonly payloadSize: number;
  readonly traceId: string;
}

/** Filters of the refusals page; empty means any. */
export interface RefusalFilter {
  readonly reason?: string;
  readonly sender?: string;
  readonly kind?: RefusalView['kind'];
}

/** The latest refusals matching a filter, newest first, and the choices the filters offer. */
export interface RefusalList {
  readonly items: readonly RefusalView[];
  /** How many refusals the index holds (bounded ring, newest kept). */
  readonly held: number;
  readonly reasons: readonly string[];
  readonly senders: readonly string[];
}

/** One chain's state as the index saw it, and as the last verification found it. */
export interface ChainView {
  readonly chainId: string;
  /** Records of the chain the index has read (its length so far). */
  readonly length: number;
  /** The last sequence and time read. */
  readonly lastSequence: string | null;
  readonly lastAt: string | null;
  /** The last verification's verdict of this chain, null before the first. */
  readonly verified: {
    readonly ok: boolean;
    readonly records: number;
    /** Head sequence and hash (short) when a head was found. */
    readonly head: string | null;
    readonly problem: string | null;
  } | null;
}

/** The last `verify now` (or none yet), and each chain's state. */
export interface IntegrityView {
  readonly chains: readonly ChainView[];
  readonly lastRun: {
    readonly startedAt: string;
    readonly finishedAt: string | null;
    readonly ok: boolean | null;
    readonly records: number;
    /** One line per problem (broken chains, unusable heads, unsigned heads); empty when ok. */
    readonly problems: readonly string[];
    /** Set when the verification itself failed (Kafka unreachable...). */
    readonly error: string | null;
  } | null;
  readonly running: boolean;
}
