import { SELECTOR_KINDS, type SelectorKind } from '../selector-types';

/** Machine-readable H3 flags, by name (envelope.proto `Restriction`). */
export type RestrictionName =
  'no-working-group' | 'no-secretariat-copy' | 'no-broadcast' | 'no-link-analysis' | 'ncb-only';

/** The originator's instructions of a report, as far as the detector needs them. */
export interface ObservedHandling {
  readonly code: 'H0' | 'H1' | 'H2' | 'H3';
  /** Sorted; empty: no restriction. */
  readonly restrictedTo: readonly string[];
  readonly flags: readonly RestrictionName[];
  readonly retentionDays: number;
}

/**
 * One report's sighting of one selector: the record of `intel.v1.selectors` (JSON, key =
 * selectorKey). Never the raw selector: `selectorKey` is its keyed hash, `paths` the JSON
 * pointers of the payload fields it was read from.
 */
export interface SelectorObservation {
  /** HMAC-SHA-256 of the normalised selector, 64 lower-case hex digits. */
  readonly selectorKey: string;
  readonly kind: SelectorKind;
  /** The reporting country (its NCB or one of its agencies sent the report). */
  readonly country: string;
  readonly messageId: string;
  readonly handling: ObservedHandling;
  /** Countries the report named as destinations (for H2, the only ones it may be told to). */
  readonly addressedTo: readonly string[];
  /** The report named the Secretariat as a destination. */
  readonly secretariatNamed: boolean;
  /** When the gateway accepted the report (RFC 3339). */
  readonly observedAt: string;
  readonly paths: readonly string[];
}

/** An observation as the index stores it under its selector key. */
export type StoredObservation = Omit<SelectorObservation, 'selectorKey' | 'kind'>;

const HEX_KEY = /^[0-9a-f]{64}$/;
const COUNTRY = /^[A-Z]{2}$/;
const CODES = new Set(['H0', 'H1', 'H2', 'H3']);
const FLAGS = new Set<string>([
  'no-working-group',
  'no-secretariat-copy',
  'no-broadcast',
  'no-link-analysis',
  'ncb-only',
]);

/** JSON bytes of an observation (the selectors topic's value). */
export function encodeObservation(observation: SelectorObservation): Buffer {
  return Buffer.from(JSON.stringify(observation), 'utf8');
}

/** An observation read back, or undefined for bytes that are not one. */
export function decodeObservation(value: Buffer): SelectorObservation | undefined {
  const parsed = parse(value);
  if (!isRecord(parsed) || typeof parsed.selectorKey !== 'string') return undefined;
  if (!HEX_KEY.test(parsed.selectorKey) || !isKind(parsed.kind)) return undefined;
  const stored = readStoredObservation(parsed);
  return stored === undefined
    ? undefined
    : { selectorKey: parsed.selectorKey, kind: parsed.kind, ...stored };
}

/** A stored observation from parsed JSON, or undefined when a field is missing or malformed. */
export function readStoredObservation(value: unknown): StoredObservation | undefined {
  if (!isRecord(value)) return undefined;
  const { country, messageId, handling, addressedTo, secretariatNamed, observedAt, paths } = value;
  if (typeof country !== 'string' || !COUNTRY.test(country)) return undefined;
  if (typeof messageId !== 'string' || typeof observedAt !== 'string') return undefined;
  if (!isStrings(addressedTo) || !isStrings(paths) || typeof secretariatNamed !== 'boolean') {
    return undefined;
  }
  const read = readHandling(handling);
  if (read === undefined) return undefined;
  return { country, messageId, handling: read, addressedTo, secretariatNamed, observedAt, paths };
}

function readHandling(value: unknown): ObservedHandling | undefined {
  if (!isRecord(value)) return undefined;
  const { code, restrictedTo, flags, retentionDays } = value;
  if (typeof code !== 'string' || !CODES.has(code) || typeof retentionDays !== 'number') {
    return undefined;
  }
  if (!isStrings(restrictedTo) || !isStrings(flags) || !flags.every((f) => FLAGS.has(f))) {
    return undefined;
  }
  return {
    code: code as ObservedHandling['code'],
    restrictedTo,
    flags: flags as RestrictionName[],
    retentionDays,
  };
}

/** True for one of the selector kinds. */
export function isKind(value: unknown): value is SelectorKind {
  return typeof value === 'string' && (SELECTOR_KINDS as readonly string[]).includes(value);
}

/** True for a JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for an array of strings. */
export function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Parsed JSON of UTF-8 bytes, or undefined. */
export function parse(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
