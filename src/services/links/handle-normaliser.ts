/**
 * Handle selectors: `<platform>:<handle>`.
 *
 * Rules:
 * 1. The platform is lower-cased and must be one of the schemas' `handle.platform` values
 *    (HANDLE_PLATFORMS), else `unknown-platform`. The platform is part of the value: `greenleaf`
 *    on Telegram and `greenleaf` on Instagram are not the same account. `darknet-market` and
 *    `darknet-forum` are platforms too; the venue (which market) is not part of the value, since
 *    vendors reuse one name across markets and that reuse is exactly what links them.
 * 2. The handle is trimmed, NFC-normalised, stripped of leading `@`, and case-folded
 *    (`toLowerCase`, locale-independent): the platforms listed treat user names
 *    case-insensitively. NFKC is not applied: it would merge look-alike names (full-width
 *    letters) that platforms keep apart.
 * 3. An empty result, or one with white space or control characters, → `invalid-handle`.
 *
 * `:` cannot occur in a platform name, so the value splits unambiguously at its first `:`.
 */
import { accepted, refused, type Normalised } from './selector-types';

/** The `handle.platform` enumeration of the v1 schemas. */
export const HANDLE_PLATFORMS: ReadonlySet<string> = new Set([
  'telegram',
  'whatsapp',
  'signal',
  'threema',
  'wickr',
  'session',
  'wire',
  'matrix',
  'xmpp',
  'discord',
  'instagram',
  'facebook',
  'x',
  'tiktok',
  'snapchat',
  'reddit',
  'vk',
  'wechat',
  'darknet-market',
  'darknet-forum',
  'other',
]);

// White space, C0/C1 controls, zero-width and bidirectional marks: the schema's exclusions.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const FORBIDDEN = /[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/u;

/** Normalises a platform handle to `<platform>:<handle>` (rules above). Never throws. */
export function normaliseHandle(platform: string, handle: string): Normalised {
  const name = platform.trim().toLowerCase();
  if (!HANDLE_PLATFORMS.has(name)) return refused('unknown-platform');
  const folded = handle.trim().normalize('NFC').replace(/^@+/, '').toLowerCase();
  if (folded === '' || FORBIDDEN.test(folded)) return refused('invalid-handle');
  return accepted(`${name}:${folded}`);
}
