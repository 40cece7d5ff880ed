/** Origin kinds whose second part is a country: "ncb:FR", "agency:FR:fr-customs", "wg:DE". */
const COUNTRY_KINDS = new Set(['ncb', 'agency', 'wg']);
const COUNTRY = /^[A-Z]{2}$/;
const URN_PREFIX = 'urn:intelroute:';

/**
 * Who sent, as the flow page groups senders: the origin's country when it has one ("ncb:FR" ->
 * "FR"), else the origin itself ("secretariat", "system:link-detector"), else "unknown".
 */
export function senderOfOrigin(origin: string): string {
  return countryOf(origin) ?? (origin === '' ? 'unknown' : origin);
}

/**
 * The same for an identity URN ("urn:intelroute:ncb:FR" -> "FR"): its country, else the
 * identity as written, else "unknown".
 */
export function senderOfIdentity(identity: string): string {
  const name = identity.toLowerCase().startsWith(URN_PREFIX)
    ? identity.slice(URN_PREFIX.length)
    : identity;
  return countryOf(name) ?? (identity === '' ? 'unknown' : identity);
}

function countryOf(name: string): string | undefined {
  const [kind, country] = name.split(':', 2);
  return kind !== undefined &&
    COUNTRY_KINDS.has(kind) &&
    country !== undefined &&
    COUNTRY.test(country)
    ? country
    : undefined;
}
