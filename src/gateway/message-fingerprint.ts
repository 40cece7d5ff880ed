import { sha256Hex } from '../core/sha256';
import { Envelope } from '../contract/generated/intelroute/v1/envelope';
import { encodeMessage } from '../contract/message-encoding';

const EMPTY = Buffer.alloc(0);

/**
 * What a message id stands for: SHA-256 (lowercase hex) of the envelope as the sender built it,
 * minus `created_at` (a client may stamp a retry anew) and with the payload replaced by its hash.
 * Destinations, handling (code, restricted_to, flags, text, retention), evaluation, priority,
 * in_reply_to, case reference, type, version and origin all count: a retry that changes any of
 * them would be stored or routed differently, so it is not the same message.
 */
export function messageFingerprint(envelope: Envelope, payloadSha256: string): string {
  const decided = encodeMessage(Envelope, {
    ...envelope,
    createdAt: undefined,
    receipt: undefined,
    payload: EMPTY,
  });
  return sha256Hex(Buffer.concat([decided, Buffer.from(payloadSha256, 'utf8')]));
}
