import type { MessageHandler } from '../readers';
import type { KeyedProducer } from '../../kafka/keyed-producer';
import type { KeyedStateLogic } from '../../kafka/stream/keyed-state-processor';
import type { Logger } from '../../telemetry/logger';
import { decodeLedgerEntry, decodeLedgerEvent, encodeJson } from './ledger-codec';
import { applyLedgerEvent, type LedgerEntry } from './ledger-entry';
import { ledgerEventOf, ledgerKeyOf, type LedgerEvent } from './ledger-event';

/**
 * The ledger's first stage, a ReaderRuntime handler on the inboxes and the Secretariat stream:
 * requests and responses become ledger events keyed by requester and request id, written before the handler
 * resolves (so the runtime commits the message's offset only once its event is durable). A replay
 * writes the event again; events are idempotent, so that changes nothing.
 * @throws IntelrouteError KAFKA_UNAVAILABLE (retriable: the runtime tries again with backoff).
 */
export function ledgerEventHandler(deps: {
  readonly producer: Pick<KeyedProducer, 'send'>;
  readonly logger: Logger;
}): MessageHandler {
  return async ({ envelope }) => {
    const event = ledgerEventOf(envelope);
    if (event === undefined) return;
    deps.logger.debug({ requestId: event.requestId, kind: event.kind }, 'ledger event');
    await deps.producer.send([{ key: ledgerKeyOf(event), value: encodeJson(event) }]);
  };
}

/**
 * The ledger's second stage: folds events into the request's entry (no side effect; notices are
 * the deadline watch's), committed with the input offset by the KeyedStateProcessor.
 */
export function ledgerLogic(): KeyedStateLogic<LedgerEvent, LedgerEntry> {
  return {
    decodeInput: decodeLedgerEvent,
    decodeState: decodeLedgerEntry,
    encodeState: encodeJson,
    apply: async (key, event, entry) =>
      ledgerKeyOf(event) === key ? applyLedgerEvent(entry, event) : undefined,
  };
}
