import { IntelrouteError } from '../core/errors';
import { Envelope } from '../contract/generated/intelroute/v1/envelope';

/**
 * Why `envelope` cannot be encoded (an Invalid Date, a negative or fractional uint32, a payload
 * that is not bytes), or null. Checked before sending because grpc-js answers a serialisation
 * failure by cancelling the whole call with INTERNAL: on a stream, one such envelope would fail
 * every message in flight with it.
 */
export function encodingProblem(envelope: Envelope): IntelrouteError | null {
  try {
    Envelope.encode(envelope);
    return null;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return new IntelrouteError(
      'ENVELOPE_INPUT_INVALID',
      `message ${envelope.messageId || '(no id)'} cannot be encoded: ${why}`,
      { cause: error, details: { messageId: envelope.messageId } },
    );
  }
}
