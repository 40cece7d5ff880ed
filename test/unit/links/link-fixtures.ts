/** Shared inputs of the link tests: the network secret, fixture payloads, payload builders. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { MessageType } from '../../../src/contract/message-types';

/** A 32-byte test network secret (the shortest accepted). */
export const SECRET = Buffer.from('intelroute-unit-test-network-key', 'utf8');

/** The message types whose schemas carry selectors. */
export const SELECTOR_TYPES = [
  'online-vendor-report',
  'seizure-report',
  'information-request',
  'information-response',
] as const satisfies readonly MessageType[];

const FIXTURES_DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'messages');

/** Every valid fixture payload of `type`, by file name. */
export function validFixtures(type: MessageType): ReadonlyArray<readonly [string, unknown]> {
  const dir = path.join(FIXTURES_DIR, type, 'valid');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as unknown]);
}

/** The one valid fixture payload `name` of `type`. */
export function fixture(type: MessageType, name: string): Record<string, unknown> {
  const found = validFixtures(type).find(([file]) => file === name);
  if (found === undefined) throw new Error(`no fixture ${type}/valid/${name}`);
  return found[1] as Record<string, unknown>;
}

/** A schema-valid online-vendor-report with the given identifier lists. */
export function vendorReport(identifiers: Record<string, unknown>): Record<string, unknown> {
  return {
    vendorKind: 'online-pharmacy',
    summary: 'Online pharmacy selling tramadol without prescription.',
    observedAt: '2025-03-10T08:00:00Z',
    substances: [{ name: 'Tramadol', convention: 'not-scheduled' }],
    ...identifiers,
  };
}
