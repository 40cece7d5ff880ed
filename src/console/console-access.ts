import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ConsoleConfig } from '../config';
import { errorText, IntelrouteError } from '../core/errors';
import { identityFromPeerCertificate, requireClientAuthUsage } from '../identity';

/** How the console admits a request: nobody but local users, or operators with a certificate. */
export type ConsoleAccessMode = 'loopback' | 'mtls';

/** Who was admitted, or why not (status and words for the refusal page). */
export type AccessDecision =
  | { readonly admitted: true; readonly operator: string }
  | {
      readonly admitted: false;
      readonly status: 403 | 421;
      readonly title: string;
      readonly explanation: string;
    };

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', 'localhost']);
const LOOPBACK_HOST_NAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The access mode the config asks for. Without login the console must only be reachable from
 * this machine, so `loopback` on any other address is refused at start.
 * @throws IntelrouteError CONFIG_INVALID
 */
export function accessModeOf(config: ConsoleConfig): ConsoleAccessMode {
  const onLoopback = LOOPBACK_ADDRESSES.has(config.host);
  if (config.access === 'auto') return onLoopback ? 'loopback' : 'mtls';
  if (config.access === 'loopback' && !onLoopback) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      `the console without login (console.access loopback) is refused on ${config.host}: ` +
        'bind it to 127.0.0.1, ::1 or localhost, or set INTELROUTE_CONSOLE_ACCESS=mtls',
    );
  }
  return config.access;
}

/**
 * Loopback mode: the socket is local by construction, but a page of any web site can make the
 * browser send requests to 127.0.0.1 under its own host name (DNS rebinding); only requests
 * that name a loopback host are served.
 */
export function admitLoopback(headers: IncomingHttpHeaders): AccessDecision {
  const host = hostNameOf(headers.host);
  if (host !== null && LOOPBACK_HOST_NAMES.has(host)) {
    return { admitted: true, operator: 'local operator (loopback, no login)' };
  }
  return {
    admitted: false,
    status: 421,
    title: 'Not a local address',
    explanation:
      'This console serves requests addressed to localhost, 127.0.0.1 or [::1] only. ' +
      'Open it at one of those addresses.',
  };
}

/**
 * mTLS mode: the client certificate must chain to the gateway's CA (and not be revoked, also
 * when its connection predates the CRL), be
 * issued for client authentication, and name an `ops` identity. Everyone else is refused: the
 * console shows the audit trail, which only operators may read.
 */
export function admitPeer(
  socket: TLSSocket,
  isRevoked: (serialNumber: string) => boolean = () => false,
): AccessDecision {
  const certificate = socket.getPeerCertificate();
  if (certificate === null || Object.keys(certificate).length === 0) {
    return refused(
      'No client certificate',
      'This console is for operators: present an operator certificate (urn:intelroute:ops:<name>) issued by the gateway’s CA.',
    );
  }
  if (!socket.authorized) {
    return refused(
      'Certificate not accepted',
      `The client certificate was not accepted (${String(socket.authorizationError)}): it must be issued by the gateway’s CA and not revoked.`,
    );
  }
  // A connection opened (or a session resumed) before the CRL was reloaded was verified then.
  if (isRevoked(certificate.serialNumber)) {
    return refused('Certificate revoked', 'This client certificate has been revoked.');
  }
  try {
    requireClientAuthUsage(certificate);
    const identity = identityFromPeerCertificate(certificate);
    if (identity.role === 'ops') return { admitted: true, operator: identity.urn };
    return refused(
      'This console is for operators',
      `${identity.urn} has the role ${identity.role}; the console shows the audit trail, which only the ops role may read.`,
    );
  } catch (error) {
    return refused('Certificate not accepted', errorText(error));
  }
}

/**
 * A state-changing request (POST) must come from the console's own pages: browsers send Origin
 * (or at least Sec-Fetch-Site) with a form post, and a post from another site is refused.
 */
export function isSameOriginPost(headers: IncomingHttpHeaders, scheme: 'http' | 'https'): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  if (origin === undefined) return site !== undefined;
  return origin === `${scheme}://${headers.host ?? ''}`;
}

function refused(title: string, explanation: string): AccessDecision {
  return { admitted: false, status: 403, title, explanation };
}

/** The host part of a Host header ("[::1]:9470" -> "[::1]"), lowercased; null when absent. */
function hostNameOf(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const match = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim().toLowerCase());
  return match === null ? null : match[1]!;
}
