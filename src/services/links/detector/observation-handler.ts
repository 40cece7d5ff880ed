import type { MessageHandler } from '../../readers';
import type { Logger } from '../../../telemetry/logger';
import type { KeyedProducer } from '../../../kafka/keyed-producer';
import { observationsOf } from './observation';
import { encodeObservation } from './observation-types';

/** What the detector's first stage needs. */
export interface ObservationHandlerDeps {
  /** Writes to `intel.v1.selectors` (key = selector key). */
  readonly producer: Pick<KeyedProducer, 'send'>;
  /** The network secret keying selector hashes. */
  readonly secret: Uint8Array;
  readonly logger: Logger;
}

/**
 * The detector's first stage, a ReaderRuntime handler on the Secretariat stream: each report's
 * selectors become observations re-keyed by selector key (keyed hashes only), written before the
 * handler resolves, so the runtime commits the report's offset only once they are durable. A
 * crash in between writes them again on the replay: the index ignores an observation of a report
 * it holds already, so repeats change nothing. Reports flagged NO_LINK_ANALYSIS, messages that
 * are not reports, and reports of no country give no observation.
 * @throws IntelrouteError KAFKA_UNAVAILABLE (retriable: the runtime tries again with backoff).
 */
export function observationHandler(deps: ObservationHandlerDeps): MessageHandler {
  return async ({ envelope }) => {
    const result = observationsOf(envelope, deps.secret);
    if ('skipped' in result) {
      deps.logger.debug({ messageId: envelope.messageId, why: result.skipped }, 'not observed');
      return;
    }
    await deps.producer.send(
      result.observations.map((o) => ({ key: o.selectorKey, value: encodeObservation(o) })),
    );
  };
}
