import type http2 from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { identityFromPeerCertificate } from '../../identity';
import type { ConnectionCloseReason, IntelrouteMetrics } from '../../telemetry';
import { descriptorUsage, type DescriptorUsage } from '../../telemetry/descriptor-usage';
import type { Logger } from '../../telemetry/logger';
import { ConnectionLedger, type ConnectionLimits } from './connection-ledger';
import { SessionWatchdog } from './session-watchdog';

/** Lets the guard reach a session's TLS socket: http2's socket proxy forwards property reads. */
const TLS_SOCKET = Symbol('intelroute.tlsSocket');

type GuardedSocket = TLSSocket & { [TLS_SOCKET]?: TLSSocket };

export interface ConnectionGuardOptions {
  readonly limits: ConnectionLimits;
  readonly settingsTimeoutMs: number;
  readonly logger: Logger;
  readonly metrics: IntelrouteMetrics;
  readonly now?: () => number;
  /** Called when the gateway nears a limit it cannot serve past, and when it is clear again. */
  readonly onSaturationChange?: (saturated: boolean) => void;
}

/** How often the watchdog runs, and how often descriptors are counted and refusals logged. */
const SWEEP_INTERVAL_MS = 1000;
const RESOURCE_INTERVAL_MS = 5000;
/** Past this share of the descriptor limit or of maxConnections, the gateway is not ready. */
const SATURATION_SHARE = 0.9;

/**
 * The gateway's connection edge, on grpc-js's HTTP/2 servers: caps connections in total, per
 * source address (before TLS: scanners too) and per client certificate; closes HTTP/2 sessions
 * that can never end by themselves (see SessionWatchdog); counts failed TLS handshakes; and tells
 * when descriptors or connections near their limit (readiness turns NOT_READY, a line says why).
 * Every connection it closes is counted by reason; the log gets one summary line per interval.
 */
export class ConnectionGuard {
  private readonly ledger: ConnectionLedger;
  private readonly watchdog: SessionWatchdog<TLSSocket>;
  private readonly now: () => number;
  private readonly closedSinceLog = new Map<ConnectionCloseReason, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Every open connection, so that none outlives the server (a stuck one would keep the
   * process alive after shutdown). */
  private readonly sockets = new Set<Socket>();
  private descriptors: DescriptorUsage | undefined;
  private saturatedBy: string | undefined;
  private stopObserving: () => void = () => undefined;

  constructor(private readonly options: ConnectionGuardOptions) {
    this.ledger = new ConnectionLedger(options.limits);
    this.watchdog = new SessionWatchdog({
      settingsTimeoutMs: options.settingsTimeoutMs,
      destroyTimeoutMs: 5000,
      closeTimeoutMs: 30_000,
    });
    this.now = options.now ?? Date.now;
  }

  /** Why the gateway cannot take more connections now, or undefined. */
  get saturation(): string | undefined {
    return this.saturatedBy;
  }

  /** Guards `server` from now on (call right after binding, before serving). */
  attach(server: http2.Http2SecureServer | http2.Http2Server): void {
    server.prependListener('connection', (socket: Socket) => this.onConnection(socket));
    server.prependListener('secureConnection', (socket: GuardedSocket) => {
      socket[TLS_SOCKET] = socket;
    });
    server.on('session', (session: http2.ServerHttp2Session) => this.onSession(session));
    // Every failed or timed-out handshake, those of connections a limit closed included.
    server.on('tlsClientError', () => this.closed('tls-handshake'));
  }

  start(): void {
    this.timers.push(
      setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref(),
      setInterval(() => this.checkResources(), RESOURCE_INTERVAL_MS).unref(),
    );
    this.checkResources();
    this.stopObserving = this.options.metrics.observeConnections(() => ({
      connections: this.ledger.open,
      sessions: this.watchdog.size,
      ...(this.descriptors === undefined ? {} : { descriptors: this.descriptors.open }),
    }));
  }

  /** Call once the server has stopped: destroys every connection still open. */
  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.stopObserving();
    for (const socket of this.sockets) socket.destroy();
    this.logClosed();
  }

  private onConnection(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const refused = this.ledger.admitAddress(address);
    if (refused !== undefined) {
      this.closed(refused);
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.ledger.releaseAddress(address);
    });
  }

  private onSession(session: http2.ServerHttp2Session): void {
    const socket = (session.socket as GuardedSocket | undefined)?.[TLS_SOCKET];
    if (socket === undefined) return; // plaintext development mode: no TLS socket to reclaim
    this.watchdog.watch(session, socket, this.now());
    session.once('close', () => this.watchdog.forget(session));
    const holder = certificateHolder(socket);
    const refused = this.ledger.admitIdentity(holder);
    if (refused !== undefined) {
      this.closed(refused);
      // Tell a well-behaved client why before the connection goes (it sees UNAVAILABLE).
      try {
        session.goaway(NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from('too many connections'));
      } catch {
        // already closing: nothing to tell
      }
      setImmediate(() => socket.destroy());
      return;
    }
    session.once('close', () => this.ledger.releaseIdentity(holder));
  }

  private sweep(): void {
    for (const { socket, reason } of this.watchdog.sweep(this.now())) {
      this.closed(reason);
      socket.destroy();
    }
  }

  private checkResources(): void {
    this.descriptors = descriptorUsage();
    const why = saturationOf(this.descriptors, this.ledger.open, this.ledger.capacity);
    if (why !== this.saturatedBy) {
      if (why !== undefined) this.options.logger.warn({ why }, 'gateway saturated: not ready');
      else this.options.logger.info('gateway no longer saturated: ready again');
      this.saturatedBy = why;
      this.options.onSaturationChange?.(why !== undefined);
    }
    this.logClosed();
  }

  private closed(reason: ConnectionCloseReason): void {
    this.options.metrics.connectionClosed({ reason });
    this.closedSinceLog.set(reason, (this.closedSinceLog.get(reason) ?? 0) + 1);
  }

  /** One line per interval with what was closed, so a flood cannot flood the log. */
  private logClosed(): void {
    if (this.closedSinceLog.size === 0) return;
    const closed = Object.fromEntries(this.closedSinceLog);
    this.closedSinceLog.clear();
    this.options.logger.warn(
      { closed, open: this.ledger.open, sessions: this.watchdog.size },
      'connections closed before any call',
    );
  }
}

/** node:http2's constants.NGHTTP2_ENHANCE_YOUR_CALM (RFC 9113 error code 0xb). */
const NGHTTP2_ENHANCE_YOUR_CALM = 0xb;

/** Who holds the connection's client certificate: its identity, else its fingerprint. */
function certificateHolder(socket: TLSSocket): string {
  const certificate = socket.getPeerCertificate();
  try {
    return identityFromPeerCertificate(certificate).urn;
  } catch {
    return `certificate:${certificate.fingerprint256 ?? 'none'}`;
  }
}

function saturationOf(
  descriptors: DescriptorUsage | undefined,
  connections: number,
  maxConnections: number,
): string | undefined {
  if (descriptors !== undefined && descriptors.open >= descriptors.limit * SATURATION_SHARE) {
    return `${descriptors.open} of ${descriptors.limit} file descriptors open`;
  }
  if (connections >= maxConnections * SATURATION_SHARE) {
    return `${connections} of ${maxConnections} connections open`;
  }
  return undefined;
}
