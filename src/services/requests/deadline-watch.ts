import type { KeyedProducer } from '../../kafka/keyed-producer';
import { errorText } from '../../core/errors';
import type { SystemPublisher } from '../shared/system-publisher';
import type { Logger } from '../../telemetry/logger';
import { encodeJson } from './ledger-codec';
import { noticesDue, type LedgerEntry } from './ledger-entry';
import { ledgerKey, type LedgerEvent } from './ledger-event';
import { noticeEnvelope } from './notice-envelope';

/** What the deadline watch needs. */
export interface DeadlineWatchDeps {
  /** The entries of the ledger partitions this instance owns, as loaded now. */
  readonly entries: () => Iterable<LedgerEntry>;
  readonly publisher: Pick<SystemPublisher, 'publish'>;
  /** Writes `notified` events to the ledger's events topic. */
  readonly producer: Pick<KeyedProducer, 'send'>;
  readonly checkIntervalMs: number;
  readonly overdueGraceMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * Every `checkIntervalMs`, sends the overdue notices due in the entries this instance owns and
 * records each as a `notified` event. The watch never writes the ledger itself: the event goes
 * through the events topic like any other, so the ledger's changelog has one writer per
 * partition and a notice is recorded in the same transaction as its offset. A notice is sent
 * before it is recorded; a crash in between sends it again with the same message id (the gateway
 * answers a duplicate), so the requester and the Secretariat get it once.
 */
export class DeadlineWatch {
  private readonly abort = new AbortController();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: DeadlineWatchDeps) {}

  start(): void {
    if (this.timer !== undefined || this.abort.signal.aborted) return;
    this.timer = setInterval(() => {
      this.running ??= this.check().finally(() => (this.running = undefined));
    }, this.deps.checkIntervalMs);
  }

  /** Stops checking; a notice being sent is given up (it is sent again on the next start). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await this.running;
  }

  /** One pass over the owned entries. Never throws: a failure is logged and tried again. */
  async check(): Promise<void> {
    const now = (this.deps.now ?? Date.now)();
    const due = new Set<string>();
    try {
      for (const entry of this.deps.entries()) {
        for (const recipient of noticesDue(entry, now, this.deps.overdueGraceMs)) {
          const slot = `${ledgerKey(entry.requester, entry.requestId)}|${recipient}`;
          due.add(slot);
          if (this.pending.has(slot) || this.abort.signal.aborted) continue;
          await this.notify(entry, recipient, now);
          this.pending.add(slot);
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) {
        this.deps.logger.warn({ err: errorText(error) }, 'deadline check failed; will retry');
      }
    }
    // Slots no longer due were recorded (or moved to another instance): forget them.
    for (const slot of this.pending) if (!due.has(slot)) this.pending.delete(slot);
  }

  private async notify(entry: LedgerEntry, recipient: string, now: number): Promise<void> {
    const request = entry.request;
    if (request === undefined) return;
    const envelope = noticeEnvelope(entry.requestId, request, recipient);
    const key = ledgerKey(entry.requester, entry.requestId);
    const context = { signal: this.abort.signal, heartbeat: async () => undefined };
    const outcome = await this.deps.publisher.publish(envelope, context);
    this.deps.logger.info(
      {
        requestId: entry.requestId,
        recipient,
        noticeId: envelope.messageId,
        outcome: outcome.kind,
      },
      'request overdue notice',
    );
    const event: LedgerEvent = {
      kind: 'notified',
      requestId: entry.requestId,
      requester: entry.requester,
      recipient,
      noticeId: envelope.messageId,
      notifiedAt: new Date(now).toISOString(),
    };
    await this.deps.producer.send([{ key, value: encodeJson(event) }]);
  }
}
