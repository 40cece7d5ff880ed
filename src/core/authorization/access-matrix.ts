import type { Role } from '../../identity/identity';
import type { MessageType } from '../../contract/message-types';
import { STREAMS_OF_ROLE, type StreamName } from './authorization-types';
import type { AgencyGrant, GrantTable } from './grant-types';
import type { PublishPolicy } from './load-policy';

/** What one subject may do. `country-inbox` means its own country's inbox plus broadcasts. */
export interface AccessRow {
  readonly role: Role;
  /** `*` for every identity of the role, `(no grant)`, or an agency URN. */
  readonly subject: string;
  readonly publish: readonly MessageType[];
  readonly read: readonly StreamName[];
  /** Types shown on those streams: `all`, or an agency's granted list. */
  readonly readTypes: readonly MessageType[] | 'all';
  readonly note: string;
}

const NOTES: Readonly<Record<Role, string>> = {
  ncb: 'origin and inbox: its own country only',
  agency: 'needs a grant from its NCB',
  secretariat: 'everything routed to the Secretariat',
  wg: 'origin: its own country',
  ops: 'audit trail and traces only, never payloads',
  system: 'link alerts and notices',
};

/**
 * The access matrix: one row per role, plus one per granted agency (its policy list narrowed by
 * its grant). With `nowMs`, expired grants show no access; without it, expiry is only noted.
 * Derived from the same tables authorizePublish and authorizeSubscribe use.
 */
export function accessMatrix(
  policy: PublishPolicy,
  grants: GrantTable,
  roles: readonly Role[],
  nowMs?: number,
): AccessRow[] {
  return roles.flatMap((role): AccessRow[] => {
    if (role !== 'agency') {
      const read = STREAMS_OF_ROLE[role];
      const row = { role, subject: '*', publish: policy.publish[role], read, note: NOTES[role] };
      return [{ ...row, readTypes: read.length === 0 ? [] : 'all' }];
    }
    const ungranted: AccessRow = {
      role,
      subject: '(no grant)',
      publish: [],
      read: [],
      readTypes: [],
      note: NOTES.agency,
    };
    const granted = grants.ncbs.flatMap((ncb) => ncb.agencies);
    return [ungranted, ...granted.map((grant) => agencyRow(policy, grant, nowMs))];
  });
}

function agencyRow(
  policy: PublishPolicy,
  grant: AgencyGrant,
  nowMs: number | undefined,
): AccessRow {
  const expiry = grant.expiresAt === null ? 'no expiry' : `expires ${grant.expiresAt}`;
  const expired = nowMs !== undefined && grant.expiresAtMs !== null && nowMs >= grant.expiresAtMs;
  if (expired) {
    return {
      role: 'agency',
      subject: grant.urn,
      publish: [],
      read: [],
      readTypes: [],
      note: `expired (${expiry})`,
    };
  }
  return {
    role: 'agency',
    subject: grant.urn,
    publish: policy.publish.agency.filter((type) => grant.publish.includes(type)),
    read: grant.read.streams,
    readTypes: grant.read.messageTypes,
    note: `granted by the NCB of ${grant.country}, ${expiry}`,
  };
}

/** The matrix as a fixed-width text table (for the README and the CLI). */
export function formatAccessMatrix(rows: readonly AccessRow[]): string {
  const header = ['role', 'subject', 'may publish', 'may read', 'note'];
  const cells = rows.map((row) => [
    row.role,
    row.subject,
    row.publish.length === 0 ? '-' : row.publish.join(', '),
    formatRead(row),
    row.note,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  const render = (line: readonly string[]): string =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('-+-');
  return [render(header), rule, ...cells.map(render)].join('\n');
}

function formatRead(row: AccessRow): string {
  if (row.read.length === 0) return '-';
  const types = row.readTypes === 'all' ? '' : ` (${row.readTypes.join(', ')})`;
  const streams = row.read.map((stream) =>
    stream === 'country-inbox' ? 'own country inbox + broadcast' : `${stream} stream`,
  );
  return `${streams.join(', ')}${types}`;
}
