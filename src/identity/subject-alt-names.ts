/** One entry of a certificate's subject alternative names, as Node prints them. */
export interface SubjectAltName {
  /** Node's label: `URI`, `DNS`, `IP Address`, `email`, `DirName`, `Registered ID`, … */
  readonly type: string;
  /** The value, with Node's JSON-style quoting undone. */
  readonly value: string;
}

/** Thrown (and caught by the caller) when the text does not follow Node's SAN grammar. */
export class SubjectAltNameSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubjectAltNameSyntaxError';
  }
}

const SEPARATOR = ', ';

/**
 * The labels Node prints, one per GeneralName choice of RFC 5280 (node's crypto_common.cc,
 * PrintGeneralName). A label outside this set means the text is not Node's.
 */
const NODE_SAN_TYPES: ReadonlySet<string> = new Set([
  'othername',
  'email',
  'DNS',
  'X400Name',
  'DirName',
  'EdiPartyName',
  'URI',
  'IP Address',
  'Registered ID',
]);

/**
 * Splits the SAN text of Node's `tls.PeerCertificate.subjectaltname` and
 * `crypto.X509Certificate.subjectAltName` into entries: `TYPE:value` joined by ", ". Since Node
 * 17.3.1 / 16.13.2 (CVE-2021-44532), a value containing a comma, quote, backslash or control
 * character is printed as a JSON string literal (`URI:"a\u002c b"`), so a value can never
 * pass for a second entry. A quoted value is read up to its closing quote, whatever it holds
 * (older or future Node versions may leave a literal comma inside quotes), then decoded.
 * Anything that does not follow this grammar (including an entry type Node does not print) is
 * refused rather than guessed at.
 * @throws SubjectAltNameSyntaxError on text Node would not produce
 */
export function parseSubjectAltNames(text: string): SubjectAltName[] {
  const entries: SubjectAltName[] = [];
  let position = 0;
  while (position < text.length) {
    const colon = text.indexOf(':', position);
    if (colon <= position) {
      throw new SubjectAltNameSyntaxError(`no "TYPE:" at offset ${position}`);
    }
    const type = text.slice(position, colon);
    if (!NODE_SAN_TYPES.has(type)) {
      throw new SubjectAltNameSyntaxError(`unknown entry type at offset ${position}`);
    }
    const { value, end } =
      text[colon + 1] === '"' ? readQuoted(text, colon + 1) : readPlain(text, colon + 1);
    entries.push({ type, value });
    position = end;
    if (position < text.length) {
      if (!text.startsWith(SEPARATOR, position)) {
        throw new SubjectAltNameSyntaxError(`expected ", " at offset ${position}`);
      }
      position += SEPARATOR.length;
      if (position === text.length) {
        throw new SubjectAltNameSyntaxError('trailing separator');
      }
    }
  }
  return entries;
}

/** A plain value runs to the next ", " (Node quotes any value containing a comma). */
function readPlain(text: string, start: number): { value: string; end: number } {
  const comma = text.indexOf(',', start);
  const end = comma === -1 ? text.length : comma;
  const value = text.slice(start, end);
  if (/["\\]/.test(value)) {
    throw new SubjectAltNameSyntaxError(`unquoted value with a quote or backslash at ${start}`);
  }
  return { value, end };
}

/** A JSON string literal starting at `start` (the opening quote). */
function readQuoted(text: string, start: number): { value: string; end: number } {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') {
      index += 2;
    } else if (char === '"') {
      return { value: decodeJsonString(text.slice(start, index + 1), start), end: index + 1 };
    } else {
      index += 1;
    }
  }
  throw new SubjectAltNameSyntaxError(`unterminated quoted value at offset ${start}`);
}

function decodeJsonString(literal: string, start: number): string {
  let decoded: unknown;
  try {
    // JSON.parse rejects raw control characters but Node never prints them unescaped; allowing
    // a literal comma is the lenient part (see parseSubjectAltNames).
    decoded = JSON.parse(literal);
  } catch {
    throw new SubjectAltNameSyntaxError(`invalid escape in quoted value at offset ${start}`);
  }
  if (typeof decoded !== 'string') {
    throw new SubjectAltNameSyntaxError(`quoted value at offset ${start} is not a string`);
  }
  return decoded;
}
