import net from 'node:net';
import tls from 'node:tls';
import { EMPTY_SETTINGS, PREFACE, type ClientPem } from './h2-frames';

/**
 * Connections that complete mTLS with a valid certificate, send the HTTP/2 preface and an empty
 * SETTINGS frame, then close. The preface leaves in its own TCP segment after the handshake
 * and the socket closes at once, before the server's first writes arrive: the server's session
 * ticket write makes the client's kernel answer with a reset, the server's SETTINGS write then
 * fails (EPIPE), and on Node 20 that session never ends by itself (see SessionWatchdog).
 * Sequential by default, as such a client would be: at 20 at once the race rarely hits.
 */
export async function abortConnections(options: {
  port: number;
  pem: ClientPem;
  count: number;
  /** A loopback address of its own (127.0.0.0/8), so per-address limits tell it apart. */
  localAddress: string;
  concurrency?: number;
}): Promise<{ completed: number; refused: number }> {
  let next = 0;
  const tally = { completed: 0, refused: 0 };
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      next += 1;
      tally[(await abortOne(options)) ? 'completed' : 'refused'] += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
  return tally;
}

/** One aborted connection; true when its TLS handshake completed. */
function abortOne(options: {
  port: number;
  pem: ClientPem;
  localAddress: string;
}): Promise<boolean> {
  return new Promise((resolve) => {
    let secure = false;
    const raw = net.connect({
      host: '127.0.0.1',
      port: options.port,
      localAddress: options.localAddress,
    });
    const socket = tls.connect({
      socket: raw,
      ca: options.pem.ca,
      cert: options.pem.cert,
      key: options.pem.key,
      servername: 'localhost',
      ALPNProtocols: ['h2'],
    });
    socket.on('error', () => undefined);
    raw.on('error', () => undefined);
    raw.on('close', () => resolve(secure));
    // Node writes its Finished after 'secureConnect' returns: the preface follows it apart.
    socket.once('secureConnect', () => {
      secure = true;
      setImmediate(() =>
        socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS]), () => raw.destroy()),
      );
    });
  });
}
