import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { IntelrouteError } from '../core/errors';
import { normalizeSerialNumber, revokedSerials } from '../identity/certs';
import { listenOrExplain } from '../telemetry/health-server';
import type { Logger } from '../telemetry/logger';
import {
  admitLoopback,
  admitPeer,
  isSameOriginPost,
  type AccessDecision,
  type ConsoleAccessMode,
} from './console-access';
import type {
  FlowSnapshot,
  IntegrityView,
  RefusalFilter,
  RefusalList,
  StorySearch,
} from './console-model';
import {
  renderErrorPage,
  renderFlowPage,
  renderIntegrityPage,
  renderRefusalsPage,
  renderStoryPage,
  type PageContext,
} from './pages';
import { FlowStream } from './flow-stream';

/** Where the pages' data comes from (the ops console's index and live sources). */
export interface ConsoleSources {
  flow(): FlowSnapshot;
  search(query: string): StorySearch;
  refusals(filter: RefusalFilter, limit: number): RefusalList;
  integrity(): IntegrityView;
  /** Starts a verification unless one runs; does not wait for it. */
  verifyNow(): void;
}

/** The console's server certificate and the CA its operators' certificates chain to. */
export interface ConsoleTls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly crl?: Buffer;
}

export interface ConsoleServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly mode: ConsoleAccessMode;
  /** Required in mtls mode. */
  readonly tls: ConsoleTls | null;
  readonly sources: ConsoleSources;
  readonly traceUrl: string | null;
  readonly logger: Logger;
  /** Open live streams at most (each further one is answered 503). Default 32. */
  readonly maxStreams?: number;
}

export interface ConsoleServer {
  readonly port: number;
  /** The address to open in a browser. */
  readonly url: string;
  /** Serves new connections with `tls` (a CRL updated after `certs revoke`). No-op without TLS. */
  updateTls(tls: ConsoleTls): void;
  /** Stops listening, ends the live streams, closes connections. Idempotent. */
  close(): Promise<void>;
}

const ASSETS_PATH = '/assets';
const QUERY_MAX = 200;
const REFUSALS_SHOWN = 200;
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: under it browsers send `Origin: null` with a form post, which isSameOriginPost refuses.
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

/**
 * The console's HTTP(S) server: every request is admitted first (loopback host names, or an ops
 * client certificate), then served from the sources, whose queries are bounded: a page costs
 * the same with 100 or 100,000 messages in the trail.
 * @throws IntelrouteError CONFIG_INVALID when the address cannot be bound or TLS is missing.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const assets = loadAssets();
  const stream = new FlowStream(options.sources, options.maxStreams ?? 32);
  const revocations = new Revocations(options.tls?.crl);
  const scheme = options.mode === 'mtls' ? 'https' : 'http';
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    try {
      serve(options, assets, stream, revocations, scheme, request, response);
    } catch (error) {
      options.logger.warn({ err: String(error) }, 'console request failed');
      if (!response.headersSent)
        sendPage(
          response,
          500,
          renderErrorPage(null, 500, 'Error', 'The console could not answer.'),
        );
      else response.destroy();
    }
  };
  const server = createServer(options, handler);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  // Operators are few: a flood of connections is refused rather than held.
  server.maxConnections = 256;
  const port = await listenOrExplain(
    server,
    options,
    'the ops console',
    'set INTELROUTE_CONSOLE_PORT to a free port, 0 for any, or INTELROUTE_CONSOLE_ENABLED=false',
  );
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const shownHost = ['0.0.0.0', '::'].includes(options.host) ? 'localhost' : hostInUrl;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `${scheme}://${shownHost}:${port}/`,
    updateTls: (tls) => {
      if (!(server instanceof https.Server)) return;
      server.setSecureContext({ ...tls, minVersion: 'TLSv1.2' });
      revocations.update(tls.crl);
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        stream.close();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function createServer(
  options: ConsoleServerOptions,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): http.Server {
  if (options.mode === 'loopback') return http.createServer(handler);
  if (options.tls === null) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      'the console under mTLS needs the gateway TLS files',
    );
  }
  return https.createServer(
    {
      ...options.tls,
      // Checked per request (admitPeer) so that a refused operator gets a page saying why.
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    handler,
  );
}

function serve(
  options: ConsoleServerOptions,
  assets: Assets,
  stream: FlowStream,
  revocations: Revocations,
  scheme: 'http' | 'https',
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const url = new URL(request.url ?? '/', 'http://console.invalid');
  if (url.pathname === '/healthz') return send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
  const access: AccessDecision =
    options.mode === 'loopback'
      ? admitLoopback(request.headers)
      : admitPeer(request.socket as TLSSocket, (serial) => revocations.has(serial));
  if (!access.admitted) {
    return sendPage(
      response,
      access.status,
      renderErrorPage(null, access.status, access.title, access.explanation),
    );
  }
  const ctx: PageContext = { operator: access.operator, assetsPath: ASSETS_PATH };
  const method = request.method ?? 'GET';
  if (method === 'POST' && url.pathname === '/integrity/verify') {
    request.resume();
    if (!isSameOriginPost(request.headers, scheme)) {
      return sendPage(
        response,
        403,
        renderErrorPage(
          ctx,
          403,
          'Refused',
          'A verification can only be asked from the console’s own page.',
        ),
      );
    }
    options.sources.verifyNow();
    response.writeHead(303, {
      ...SECURITY_HEADERS,
      Location: '/integrity',
      'Cache-Control': 'no-store',
    });
    return void response.end();
  }
  if (method !== 'GET' && method !== 'HEAD') {
    request.resume();
    response.setHeader('Allow', 'GET, HEAD');
    return sendPage(
      response,
      405,
      renderErrorPage(ctx, 405, 'Method not allowed', `${method} is not served here.`),
    );
  }
  route(options, assets, stream, ctx, url, request, response);
}

function route(
  options: ConsoleServerOptions,
  assets: Assets,
  stream: FlowStream,
  ctx: PageContext,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const { sources } = options;
  const query = (name: string): string => (url.searchParams.get(name) ?? '').trim();
  const tooLong = [...url.searchParams.values()].some((value) => value.length > QUERY_MAX);
  if (tooLong) {
    return sendPage(
      response,
      400,
      renderErrorPage(
        ctx,
        400,
        'Query too long',
        `Each field takes at most ${QUERY_MAX} characters.`,
      ),
    );
  }
  switch (url.pathname) {
    case '/':
      return sendPage(response, 200, renderFlowPage(ctx, sources.flow()));
    case '/messages': {
      const q = query('q');
      return sendPage(
        response,
        200,
        renderStoryPage(ctx, q === '' ? null : sources.search(q), options.traceUrl),
      );
    }
    case '/refusals': {
      const filter = refusalFilterOf(query);
      return sendPage(
        response,
        200,
        renderRefusalsPage(ctx, sources.refusals(filter, REFUSALS_SHOWN), filter),
      );
    }
    case '/integrity':
      return sendPage(response, 200, renderIntegrityPage(ctx, sources.integrity()));
    case '/events':
      return stream.open(request, response, SECURITY_HEADERS);
    case '/api/flow':
      return sendJson(response, sources.flow());
    case '/api/messages':
      return sendJson(response, sources.search(query('q')));
    case '/api/refusals':
      return sendJson(response, sources.refusals(refusalFilterOf(query), REFUSALS_SHOWN));
    case '/api/integrity':
      return sendJson(response, sources.integrity());
    default: {
      const asset = url.pathname.startsWith(`${ASSETS_PATH}/`)
        ? assets.get(url.pathname.slice(ASSETS_PATH.length + 1))
        : undefined;
      if (asset !== undefined) return sendAsset(response, asset);
      return sendPage(
        response,
        404,
        renderErrorPage(ctx, 404, 'Not found', `Nothing is served at ${url.pathname}.`),
      );
    }
  }
}

function refusalFilterOf(query: (name: string) => string): RefusalFilter {
  const kind = query('kind');
  return {
    ...(query('reason') === '' ? {} : { reason: query('reason') }),
    ...(query('sender') === '' ? {} : { sender: query('sender') }),
    ...(kind === 'refused' || kind === 'dead-lettered' || kind === 'subscribe-refused'
      ? { kind }
      : {}),
  };
}

interface Asset {
  readonly body: Buffer;
  readonly type: string;
}
type Assets = ReadonlyMap<string, Asset>;

/** The console's assets, read once at start: nothing on disk is read per request. */
function loadAssets(): Assets {
  const dir = path.join(__dirname, 'assets');
  const assets = new Map<string, Asset>();
  for (const [name, type] of [
    ['console.js', 'text/javascript; charset=utf-8'],
    ['console.css', 'text/css; charset=utf-8'],
  ] as const) {
    try {
      assets.set(name, { body: readFileSync(path.join(dir, name)), type });
    } catch (error) {
      throw new IntelrouteError(
        'CONFIG_INVALID',
        `console asset ${name} missing in ${dir} (run \`npm run build\`)`,
        { cause: error },
      );
    }
  }
  return assets;
}

function sendPage(response: ServerResponse, status: number, body: string): void {
  send(response, status, 'text/html; charset=utf-8', body);
}

function sendJson(response: ServerResponse, value: unknown): void {
  send(response, 200, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** Assets may be kept, but asked again each time: a new build is seen at once. */
function sendAsset(response: ServerResponse, asset: Asset): void {
  send(response, 200, asset.type, asset.body, 'no-cache');
}

/** Every answer but the live stream: the security headers, no body for HEAD. */
function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  cache: 'no-store' | 'no-cache' = 'no-store',
): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': cache });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** The serial numbers a CRL revokes, asked per request (connections outlive a CRL reload). */
class Revocations {
  private serials: ReadonlySet<string>;

  constructor(crl: Buffer | undefined) {
    this.serials = crl === undefined ? new Set() : revokedSerials(crl);
  }

  update(crl: Buffer | undefined): void {
    this.serials = crl === undefined ? new Set() : revokedSerials(crl);
  }

  has(serialNumber: string): boolean {
    if (this.serials.size === 0) return false;
    try {
      return this.serials.has(normalizeSerialNumber(serialNumber));
    } catch {
      return false;
    }
  }
}
