import type { AuditRecord } from '../contract/generated/intelroute/v1/records';
import { IntelrouteError } from '../core/errors';
import type {
  AuditFlow,
  ChainView,
  IndexTotals,
  RefusalFilter,
  RefusalList,
  StorySearch,
} from './console-model';
import { ChainTable } from './index/chain-table';
import { FlowWindow } from './index/flow-window';
import { clipText, factOf } from './index/record-facts';
import { refusalOf, RefusalRing } from './index/refusal-ring';
import { StoryStore } from './index/story-store';
import { StringTable } from './index/string-table';

export interface AuditIndexOptions {
  /** Messages whose story is held; the oldest (first seen) are let go beyond it. Default 100_000. */
  readonly maxMessages?: number;
  /** Refusals, dead letters and refused reads held, newest kept. Default 1_000. */
  readonly maxRefusals?: number;
  /** Seconds of the flow window. Default 60. */
  readonly windowSeconds?: number;
  /** Clock (ms since epoch) for the window. Default Date.now. */
  readonly now?: () => number;
}

const TRACE_ID = /^[0-9a-f]{32}$/i;
const DEFAULT_LIMIT = 100;

/**
 * The ops console's view of the audit trail, fed every record of the audit topic from its
 * beginning: the flow of the last minute, each held message's story, the latest refusals and
 * every chain's progress. Pure and synchronous (no I/O; the clock is injected). Stories are kept
 * packed (index/story-pack.ts), about 0.5 KB per message, and built into views only when asked.
 */
export class AuditIndex {
  private readonly table = new StringTable();
  private readonly stories: StoryStore;
  private readonly window: FlowWindow;
  private readonly refusalRing: RefusalRing;
  private readonly chainTable = new ChainTable();
  private records = 0;
  private unreadable = 0;

  /** @throws IntelrouteError CONFIG_INVALID when a bound is not a positive integer. */
  constructor(options: AuditIndexOptions = {}) {
    const maxMessages = bound('maxMessages', options.maxMessages ?? 100_000);
    const maxRefusals = bound('maxRefusals', options.maxRefusals ?? 1_000);
    const windowSeconds = bound('windowSeconds', options.windowSeconds ?? 60);
    this.stories = new StoryStore(maxMessages, this.table);
    this.window = new FlowWindow(windowSeconds, options.now ?? Date.now);
    this.refusalRing = new RefusalRing(maxRefusals);
  }

  /** One audit record read from the topic (already parsed). Never throws on odd content. */
  add(record: AuditRecord): void {
    this.records += 1;
    try {
      const fact = factOf(record);
      this.chainTable.record(fact);
      this.window.record(fact);
      this.stories.record(fact);
      const refusal = refusalOf(fact);
      if (refusal !== undefined) this.refusalRing.push(refusal);
    } catch {
      // factOf checks every value, so this is a defect of the index, not of the record: the
      // console must keep reading the trail all the same.
      this.unreadable += 1;
    }
  }

  /** A record that did not parse: counted in totals.unreadable. */
  addUnreadable(): void {
    this.unreadable += 1;
  }

  /** The flow of the last windowSeconds seconds (by each record's own `at`), and totals. */
  flow(): AuditFlow {
    return { ...this.window.snapshot(), totals: this.totals() };
  }

  /** Stories of the message id, else of the trace id (32 hex, case-insensitive). */
  search(query: string): StorySearch {
    const text = clipText(typeof query === 'string' ? query.trim() : '');
    const messagesHeld = this.stories.held;
    if (text === '') return { query: text, matchedBy: null, stories: [], messagesHeld };
    const byId = this.stories.byMessageId(text);
    if (byId.length > 0)
      return { query: text, matchedBy: 'message id', stories: byId, messagesHeld };
    const byTrace = TRACE_ID.test(text) ? this.stories.byTraceId(text) : [];
    if (byTrace.length > 0) {
      return { query: text, matchedBy: 'trace id', stories: byTrace, messagesHeld };
    }
    return { query: text, matchedBy: null, stories: [], messagesHeld };
  }

  /** Newest first, at most `limit` matching the filter, and the reasons and senders held. */
  refusals(filter: RefusalFilter = {}, limit = DEFAULT_LIMIT): RefusalList {
    const count = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : DEFAULT_LIMIT;
    return this.refusalRing.list(filter ?? {}, count);
  }

  /** Each chain seen, sorted by chain id; `verified` is null (merged in by the console). */
  chains(): ChainView[] {
    return this.chainTable.views();
  }

  totals(): IndexTotals {
    return {
      records: this.records,
      unreadable: this.unreadable,
      messagesHeld: this.stories.held,
      messagesEvicted: this.stories.evicted,
    };
  }
}

function bound(name: string, value: number): number {
  if (Number.isSafeInteger(value) && value > 0) return value;
  throw new IntelrouteError('CONFIG_INVALID', `AuditIndex ${name} must be a positive integer`, {
    details: { [name]: value },
  });
}
