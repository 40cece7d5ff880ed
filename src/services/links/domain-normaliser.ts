/**
 * Domain selectors: the registrable domain (eTLD+1) of a URL or host name.
 *
 * Rules, in order:
 * 1. Trim. Text without a scheme is read as a host with an optional port and path
 *    (`EXAMPLE-PHARMA.COM`, `shop.example-pharma.com./buy`); text with one must be http(s).
 *    Anything else (`ftp:`, `mailto:`, `user@host` without a scheme) → `invalid-domain`.
 * 2. The host is taken by the WHATWG URL parser (node's `URL`): scheme, credentials, port, path,
 *    query and fragment are dropped; UTS #46 processing lower-cases it, maps full-width dots and
 *    converts internationalised labels to punycode A-labels (`bücher.de` → `xn--bcher-kva.de`).
 * 3. One trailing dot (the DNS root) is removed; the host must then fit DNS (labels of 1 to 63
 *    characters, no empty label, 253 characters at most), else `invalid-domain`.
 * 4. IPv4 and IPv6 hosts → `ip-address-host`. Decision: not a selector. link-alert v1 has no
 *    `ip` kind, and a bare address is weak evidence (shared hosting, CDNs, re-assigned cloud
 *    addresses) that would link unrelated shops; rejecting keeps the case visible to callers.
 * 5. The registrable domain is computed with tldts from the Public Suffix List, **private section
 *    included**: `shop1.github.io` stays `shop1.github.io` (two shops on GitHub Pages are two
 *    vendors), `foo.co.uk` stays `foo.co.uk`, `www.example-pharma.com` → `example-pharma.com`.
 *    RFC 2606 documentation domains count as suffixes too (see shared-domains.ts). A host that is
 *    a suffix itself or has no registrable part (`co.uk`, `localhost`) → `no-registrable-domain`.
 *    `.onion` is a suffix: `shop.<56 chars>.onion` → `<56 chars>.onion`.
 * 6. Shared free-mail, platform and hosting domains (SHARED_DOMAINS) → `shared-domain`.
 */
import { parse } from 'tldts';
import { accepted, refused, type Normalised } from './selector-types';
import { DOCUMENTATION_SUFFIXES, SHARED_DOMAINS } from './shared-domains';

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const WEB_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:']);

/** Normalises a URL or a host name to its registrable domain. Never throws. */
export function normaliseDomain(input: string): Normalised {
  const host = hostOf(input.trim());
  return host === undefined ? refused('invalid-domain') : registrableDomainOfHost(host);
}

/**
 * The registrable domain of a host already lower-case and in A-label form (steps 3 to 6 above),
 * e.g. the domain part of an e-mail address. Never throws.
 */
export function registrableDomainOfHost(host: string): Normalised {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.startsWith('[')) return refused('ip-address-host');
  const parsed = parse(name, { allowPrivateDomains: true, extractHostname: false });
  if (parsed.isIp === true) return refused('ip-address-host');
  if (!isHostName(name)) return refused('invalid-domain');
  const documentation = documentationDomain(name);
  const domain = documentation === undefined ? parsed.domain : documentation;
  if (domain === null || domain === '') return refused('no-registrable-domain');
  return SHARED_DOMAINS.has(domain) ? refused('shared-domain') : accepted(domain);
}

/**
 * True for a lower-case A-label host name that DNS can hold: at most 253 characters, labels of
 * 1 to 63 letters, digits, `-` (not first or last) or `_` (seen in real service names). The URL
 * parser does not check DNS lengths or empty labels (`a..b.com`), so this does.
 */
export function isHostName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => LABEL.test(label));
}

/** The host of `text` through the WHATWG parser, or undefined when there is no usable one. */
function hostOf(text: string): string | undefined {
  const hasScheme = HAS_SCHEME.test(text);
  // Without a scheme, `@` before the path would be read as credentials: `user@host` is no domain.
  const authority = text.split(/[/?#]/, 1)[0] ?? '';
  if (text === '' || (!hasScheme && authority.includes('@'))) return undefined;
  const url = parseUrl(hasScheme ? text : `http://${text}`);
  if (url === undefined || !WEB_SCHEMES.has(url.protocol) || url.hostname === '') return undefined;
  return url.hostname;
}

/**
 * `new URL` with failure as undefined. Not `URL.canParse`: on Node 20, once V8 optimises a call
 * site of it, its fast path reads a Latin-1 string's bytes as UTF-8 and says false for any host
 * with a character from U+0080 to U+00FF (`bücher.de`), so the link detector would stop linking
 * such domains after a few thousand messages.
 */
function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * For a host under a documentation suffix, its label just left of the suffix plus the suffix;
 * `null` for the bare suffix (no registrable part); undefined when not a documentation host.
 */
function documentationDomain(host: string): string | null | undefined {
  for (const suffix of DOCUMENTATION_SUFFIXES) {
    if (host === suffix) return null;
    if (host.endsWith(`.${suffix}`)) {
      const labels = host.slice(0, -suffix.length - 1).split('.');
      return `${labels[labels.length - 1] ?? ''}.${suffix}`;
    }
  }
  return undefined;
}
