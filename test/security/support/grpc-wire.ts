import * as grpc from '@grpc/grpc-js';
import http2 from 'node:http2';
import { statusFromMetadata } from '../../../src/contract/status-trailer';
import { refusalFromStatus, type Refusal } from '../../../src/contract/rich-status';
import type { Envelope } from '../../../src/contract/generated/intelroute/v1/envelope';
import {
  IntelGatewayService,
  PublishAck,
  PublishRequest,
} from '../../../src/contract/generated/intelroute/v1/gateway';
import type { ClientPem } from './h2-frames';

export const PUBLISH_PATH = IntelGatewayService.publish.path;
export const PUBLISH_STREAM_PATH = IntelGatewayService.publishStream.path;

/** The bytes of a PublishRequest carrying `envelope`. */
export function publishRequestBytes(envelope: Envelope | undefined): Buffer {
  return Buffer.from(PublishRequest.encode({ envelope }).finish());
}

/**
 * An HTTP/2 session of node:http2 (not grpc-js) with a client certificate: the tool for peers
 * that speak valid HTTP/2 but misbehave above it (never read, flood pings, lie in lengths).
 */
export function connectH2(
  port: number,
  pem: ClientPem,
  options: http2.SecureClientSessionOptions = {},
): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`https://127.0.0.1:${port}`, {
      ca: pem.ca,
      cert: pem.cert,
      key: pem.key,
      servername: 'localhost',
      ...options,
    });
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

/** Opens a gRPC call on `session` (headers only: the caller writes the messages). */
export function openGrpcStream(
  session: http2.ClientHttp2Session,
  path: string,
  extraHeaders: http2.OutgoingHttpHeaders = {},
): http2.ClientHttp2Stream {
  return session.request({
    ':method': 'POST',
    ':path': path,
    'content-type': 'application/grpc',
    te: 'trailers',
    ...extraHeaders,
  });
}

/** The final gRPC status of a call made with node:http2, with its refusal details if any. */
export interface WireStatus {
  /** grpc-status, or -1 when the stream ended without one (reset, connection lost). */
  readonly code: number;
  readonly message: string;
  /** The rich status of `grpc-status-details-bin`, when the gateway sent one. */
  readonly refusal: Refusal | undefined;
  /** Response bytes received before the status (gRPC messages, undecoded). */
  readonly responseBytes: number;
}

/** Waits for the status of a call opened with openGrpcStream (reads and counts the response). */
export function wireStatus(
  stream: http2.ClientHttp2Stream,
  timeoutMs = 10_000,
): Promise<WireStatus> {
  return new Promise((resolve) => {
    let headers: http2.IncomingHttpHeaders = {};
    let responseBytes = 0;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const code = Number(headers['grpc-status'] ?? -1);
      const message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
      const detailsHeader = headers['grpc-status-details-bin'];
      let refusal: Refusal | undefined;
      if (typeof detailsHeader === 'string') {
        const metadata = new grpc.Metadata();
        metadata.set('grpc-status-details-bin', Buffer.from(detailsHeader, 'base64'));
        const status = statusFromMetadata(metadata);
        refusal = status === undefined ? undefined : refusalFromStatus(status);
      }
      resolve({ code, message, refusal, responseBytes });
    };
    const timer = setTimeout(() => {
      stream.close(http2.constants.NGHTTP2_CANCEL);
      settle();
    }, timeoutMs);
    // A trailers-only response carries the status in the response headers.
    stream.on('response', (h) => {
      if (h['grpc-status'] === undefined) return;
      headers = h;
      settle();
    });
    stream.on('trailers', (h) => {
      headers = h;
      settle();
    });
    stream.on('data', (chunk: Buffer) => {
      responseBytes += chunk.length;
    });
    stream.on('close', settle);
    stream.on('error', settle);
  });
}

/**
 * Sends `requestBytes` as the only message of a Publish call through grpc-js (so the bytes may
 * be anything: hand-made protobuf, invalid UTF-8 in strings) and resolves with the outcome.
 */
export function publishRawBytes(
  client: grpc.Client,
  requestBytes: Buffer,
  deadlineMs = 10_000,
): Promise<{ ack: PublishAck } | { error: grpc.ServiceError }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest<Buffer, PublishAck>(
      PUBLISH_PATH,
      (bytes) => bytes,
      (bytes) => PublishAck.decode(bytes),
      requestBytes,
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (error, ack) => resolve(error ? { error } : { ack: ack as PublishAck }),
    );
  });
}

/** A grpc-js client with `pem`'s certificate and its own connection (no shared subchannel). */
export function rawGrpcClient(
  address: string,
  pem: ClientPem,
  options: grpc.ChannelOptions = {},
): grpc.Client {
  return new grpc.Client(address, grpc.credentials.createSsl(pem.ca, pem.key, pem.cert), {
    'grpc.ssl_target_name_override': 'localhost',
    'grpc.default_authority': 'localhost',
    'grpc.use_local_subchannel_pool': 1,
    ...options,
  });
}
