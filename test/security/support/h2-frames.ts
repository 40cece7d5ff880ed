import { readFileSync } from 'node:fs';
import tls from 'node:tls';

/** PEM material of one client identity (as TestCertificates.client returns its files). */
export interface ClientPem {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Reads the files of `TestCertificates.client(urn)`. */
export function readClientPem(files: {
  caFile: string;
  certFile: string;
  keyFile: string;
}): ClientPem {
  return {
    ca: readFileSync(files.caFile),
    cert: readFileSync(files.certFile),
    key: readFileSync(files.keyFile),
  };
}

/** RFC 9113 §3.4: the client connection preface. */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** Frame types (RFC 9113 §6). */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

/** Frame flags used here. */
export const Flag = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;

/** Error codes (RFC 9113 §7) by number, for readable assertions. */
export const H2_ERROR_NAMES: Readonly<Record<number, string>> = {
  0x0: 'NO_ERROR',
  0x1: 'PROTOCOL_ERROR',
  0x2: 'INTERNAL_ERROR',
  0x3: 'FLOW_CONTROL_ERROR',
  0x4: 'SETTINGS_TIMEOUT',
  0x5: 'STREAM_CLOSED',
  0x6: 'FRAME_SIZE_ERROR',
  0x7: 'REFUSED_STREAM',
  0x8: 'CANCEL',
  0x9: 'COMPRESSION_ERROR',
  0xa: 'CONNECT_ERROR',
  0xb: 'ENHANCE_YOUR_CALM',
  0xc: 'INADEQUATE_SECURITY',
  0xd: 'HTTP_1_1_REQUIRED',
};

/** One HTTP/2 frame: 9-byte header (24-bit length, type, flags, 31-bit stream id) + payload. */
export function frame(
  type: number,
  flags: number,
  streamId: number,
  payload: Buffer = Buffer.alloc(0),
): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

/** A frame header announcing `length` bytes, without the payload (for oversize frames). */
export function frameHeader(type: number, flags: number, streamId: number, length: number): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return header;
}

/** An empty SETTINGS frame (what a minimal client sends after the preface). */
export const EMPTY_SETTINGS = frame(FrameType.SETTINGS, 0, 0);

/** A SETTINGS acknowledgement. */
export const SETTINGS_ACK = frame(FrameType.SETTINGS, Flag.ACK, 0);

/** HPACK integer with an `prefixBits`-bit prefix (RFC 7541 §5.1). */
function hpackInteger(value: number, prefixBits: number, firstByteFlags: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([firstByteFlags | value]);
  const bytes = [firstByteFlags | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A header block of literal fields without indexing and without Huffman coding. */
export function hpackLiterals(headers: ReadonlyArray<readonly [string, string]>): Buffer {
  return Buffer.concat(
    headers.flatMap(([name, value]) => [
      Buffer.from([0x00]),
      hpackInteger(Buffer.byteLength(name), 7, 0),
      Buffer.from(name, 'latin1'),
      hpackInteger(Buffer.byteLength(value), 7, 0),
      Buffer.from(value, 'latin1'),
    ]),
  );
}

/** The request headers of a gRPC call to `path`. */
export function grpcRequestHeaderBlock(path: string): Buffer {
  return hpackLiterals([
    [':method', 'POST'],
    [':scheme', 'https'],
    [':path', path],
    [':authority', 'localhost'],
    ['content-type', 'application/grpc'],
    ['te', 'trailers'],
  ]);
}

/** A gRPC length-prefixed message (compressed flag, 32-bit big-endian length, bytes). */
export function grpcMessage(bytes: Uint8Array, compressed = false): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(compressed ? 1 : 0, 0);
  prefix.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([prefix, bytes]);
}

/** A raw TLS connection to the gateway, offering `alpn`, presenting the client certificate. */
export function connectTls(
  port: number,
  pem: ClientPem | undefined,
  alpn = 'h2',
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ALPNProtocols: [alpn],
      ...(pem === undefined ? {} : { ca: pem.ca, cert: pem.cert, key: pem.key }),
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** What a server sent on a raw connection until it closed it (or the wait ended). */
export interface ServerFrames {
  /** Every frame type seen, in order of first appearance. */
  readonly types: readonly number[];
  /** The GOAWAY error code's name, if a GOAWAY came. */
  readonly goaway: string | undefined;
  /** Milliseconds from the start of the wait to the GOAWAY. */
  readonly goawayMs: number | undefined;
  /** RST_STREAM error codes' names, in order. */
  readonly resets: readonly string[];
  /** PING acknowledgements received. */
  readonly pingAcks: number;
  /** True when the server closed the connection within the wait. */
  readonly closed: boolean;
  /** Milliseconds from the start of the wait to the close (or to the end of the wait). */
  readonly ms: number;
}

/**
 * Parses the frames the server sends on `socket` until it closes the connection, or (with
 * `untilGoaway`) sends a GOAWAY, or `timeoutMs` passes; then destroys the socket. Call before
 * writing the attack, so nothing is missed.
 */
export function collectServerFrames(
  socket: tls.TLSSocket,
  options: { timeoutMs: number; untilGoaway?: boolean },
): Promise<ServerFrames> {
  const started = Date.now();
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const types = new Set<number>();
    const resets: string[] = [];
    let goaway: string | undefined;
    let goawayMs: number | undefined;
    let pingAcks = 0;
    let settled = false;
    const settle = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const ms = Date.now() - started;
      resolve({ types: [...types], goaway, goawayMs, resets, pingAcks, closed, ms });
    };
    const timer = setTimeout(() => settle(false), options.timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 9) {
        const length = buffer.readUIntBE(0, 3);
        if (buffer.length < 9 + length) break;
        const type = buffer.readUInt8(3);
        const flags = buffer.readUInt8(4);
        const payload = buffer.subarray(9, 9 + length);
        types.add(type);
        if (type === FrameType.GOAWAY && payload.length >= 8 && goaway === undefined) {
          goaway = H2_ERROR_NAMES[payload.readUInt32BE(4)] ?? String(payload.readUInt32BE(4));
          goawayMs = Date.now() - started;
        }
        if (type === FrameType.RST_STREAM && payload.length >= 4) {
          resets.push(H2_ERROR_NAMES[payload.readUInt32BE(0)] ?? String(payload.readUInt32BE(0)));
        }
        if (type === FrameType.PING && (flags & Flag.ACK) !== 0) pingAcks += 1;
        buffer = buffer.subarray(9 + length);
      }
      if (options.untilGoaway === true && goaway !== undefined) settle(false);
    });
    socket.on('close', () => settle(true));
    socket.on('error', () => settle(true));
  });
}
