import { BinaryWriter } from '@bufbuild/protobuf/wire';

/** A generated message type: it encodes into the writer it is given. */
export interface MessageEncoder<T> {
  encode(message: T, writer?: BinaryWriter): BinaryWriter;
}

/** Past this, the writer's buffer is not kept (one huge message must not pin its size). */
const KEPT_BUFFER_BYTES = 256 * 1024;

let shared = new BinaryWriter();

/**
 * `message` in protobuf binary, as a Buffer over its own bytes. A fresh writer starts at 128
 * bytes and doubles (a copy each time), and `Buffer.from(Uint8Array)` copies once more: one
 * writer kept for every encode of this thread (encodes are synchronous) writes into a buffer
 * already grown, and the result is wrapped, not copied. The bytes are exactly what
 * `encode(message).finish()` gives.
 */
export function encodeMessage<T>(type: MessageEncoder<T>, message: T): Buffer {
  let bytes: Uint8Array;
  try {
    bytes = type.encode(message, shared).finish();
  } catch (error) {
    shared = new BinaryWriter(); // an encode that threw leaves the writer mid-message
    throw error;
  }
  if (bytes.length > KEPT_BUFFER_BYTES) shared = new BinaryWriter();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
