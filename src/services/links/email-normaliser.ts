/**
 * E-mail selectors.
 *
 * Rules:
 * 1. Trim; split at the last `@`; the local part must be 1 to 64 characters without white space
 *    or control characters (white space only inside a quoted local part), the domain a DNS host
 *    name with at least two labels, not an IP address (else `invalid-email`).
 * 2. The domain goes through UTS #46 (`domainToASCII`): lower case, punycode A-labels, and one
 *    trailing dot removed. `googlemail.com` is written `gmail.com` (the same mailboxes).
 * 3. The local part is NFC-normalised and **case-folded**. RFC 5321 lets a server treat local
 *    parts as case-sensitive, but no common provider does, and here addresses are matched, never
 *    delivered to: missing a link because one report wrote `Sales@` and another `sales@` costs
 *    more than the theoretical merge of two mailboxes differing only by case.
 * 4. Sub-addressing is removed **only at providers known to deliver every `local+tag` to
 *    `local`** (SUBADDRESS_PROVIDERS): `vendor+fr@gmail.com` and `vendor+de@gmail.com` are the
 *    same mailbox. Gmail also ignores dots in the local part, so they are removed there. At any
 *    other domain `+` may be a literal character or a different mailbox, so it is kept: a wrong
 *    merge would link two vendors.
 *
 * The domain of an address becomes a `domain` selector of its own in extraction (unless it is a
 * shared free-mail domain); see extract-selectors.ts.
 */
import { domainToASCII } from 'node:url';
import { parse } from 'tldts';
import { isHostName } from './domain-normaliser';
import { accepted, refused, type Normalised } from './selector-types';

/** Providers whose `local+tag` addresses all deliver to `local` (documented by each provider). */
export const SUBADDRESS_PROVIDERS: ReadonlySet<string> = new Set([
  'gmail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
  'pm.me',
  'fastmail.com',
]);

/** RFC 5321 §4.5.3.1.1: a local part has at most 64 octets. */
const MAX_LOCAL_PART = 64;
// No white space or control characters, except white space inside a quoted local part.
// eslint-disable-next-line no-control-regex -- excluding control characters is the point here
const LOCAL_PART = /^(?:"[^\u0000-\u001f\u007f]+"|[^\s@\u0000-\u001f\u007f]+)$/u;

/** Domains that are another name for the same mailboxes. */
const DOMAIN_ALIASES: Readonly<Record<string, string>> = { 'googlemail.com': 'gmail.com' };

/** The parts of a normalised address. */
export interface EmailParts {
  readonly local: string;
  readonly domain: string;
}

/** Normalises an e-mail address to `local@domain` (rules above). Never throws. */
export function normaliseEmail(input: string): Normalised {
  const parts = emailParts(input);
  return parts === undefined
    ? refused('invalid-email')
    : accepted(`${parts.local}@${parts.domain}`);
}

/** The normalised local part and domain of `input`, or undefined when it is no address. */
export function emailParts(input: string): EmailParts | undefined {
  const text = input.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return undefined;
  const domain = asciiDomain(text.slice(at + 1));
  if (domain === undefined) return undefined;
  const raw = text.slice(0, at);
  if (raw.length > MAX_LOCAL_PART || !LOCAL_PART.test(raw)) return undefined;
  const local = canonicalLocal(raw.normalize('NFC').toLowerCase(), domain);
  return local === '' ? undefined : { local, domain };
}

function asciiDomain(raw: string): string | undefined {
  const ascii = domainToASCII(raw);
  const name = ascii.endsWith('.') ? ascii.slice(0, -1) : ascii;
  if (!name.includes('.') || !isHostName(name)) return undefined;
  if (parse(name, { extractHostname: false }).isIp === true) return undefined;
  return DOMAIN_ALIASES[name] ?? name;
}

function canonicalLocal(local: string, domain: string): string {
  if (!SUBADDRESS_PROVIDERS.has(domain)) return local;
  const base = local.split('+')[0] ?? '';
  return domain === 'gmail.com' ? base.replaceAll('.', '') : base;
}
