import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IntelrouteError } from '../core/errors';

/** Whether the process can do its work now (the gateway: its Kafka writer is ready). */
export type ReadinessCheck = () => boolean | Promise<boolean>;

export interface HealthServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Read per `/readyz` request. */
  readonly ready: () => ReadinessCheck;
  /** Serves `/metrics`; absent: 404. */
  readonly metrics?: (request: IncomingMessage, response: ServerResponse) => void;
  /** A readiness check slower than this answers 503. */
  readonly readyTimeoutMs?: number;
}

export interface HealthServer {
  readonly port: number;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * A small HTTP server for operators and orchestrators: `GET /healthz` (200 while the process
 * runs: the liveness probe), `GET /readyz` (200 or 503 as the readiness check says) and
 * `GET /metrics` (Prometheus). Nothing else: 404, or 405 for other methods.
 * @throws IntelrouteError CONFIG_INVALID when the address cannot be bound.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = http.createServer((request, response) => {
    void route(options, request, response).catch(() => {
      // A failing handler (the metrics exporter) must not take the process down.
      if (response.headersSent) response.destroy();
      else answer(response, 500, 'error\n');
    });
  });
  server.keepAliveTimeout = 5000;
  const port = await listenOrExplain(
    server,
    options,
    'metrics and health',
    'another intelroute process on this host? give each its own INTELROUTE_METRICS_PORT, 0 for any free port',
  );
  let closing: Promise<void> | undefined;
  return {
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

async function route(
  options: HealthServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return answer(response, 405, 'method not allowed\n');
  }
  switch (path) {
    case '/healthz':
      return answer(response, 200, 'ok\n');
    case '/readyz':
      return (await isReady(options))
        ? answer(response, 200, 'ready\n')
        : answer(response, 503, 'not ready\n');
    case '/metrics':
      if (options.metrics !== undefined) return options.metrics(request, response);
      return answer(response, 404, 'metrics disabled\n');
    default:
      return answer(response, 404, 'not found\n');
  }
}

/** A check that throws, rejects or takes too long means "not ready". */
async function isReady(options: HealthServerOptions): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), options.readyTimeoutMs ?? 2000);
  });
  try {
    const check = Promise.resolve().then(() => options.ready()());
    return (await Promise.race([check, timeout])) === true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function answer(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  response.end(body);
}

/**
 * Listens on host:port and resolves with the port bound; a failure to bind rejects with one
 * line saying what the server was for and, when the port is taken, what to do.
 * @throws IntelrouteError CONFIG_INVALID
 */
export function listenOrExplain(
  server: http.Server,
  { host, port }: { readonly host: string; readonly port: number },
  purpose: string,
  whenInUse: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void =>
      reject(
        new IntelrouteError(
          'CONFIG_INVALID',
          `cannot listen on ${host}:${port} for ${purpose}: ${error.message}` +
            (error.code === 'EADDRINUSE' ? ` (${whenInUse})` : ''),
          { cause: error },
        ),
      );
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
