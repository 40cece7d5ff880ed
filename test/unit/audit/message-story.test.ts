import {
  auditFields,
  auditRecordsFor,
  formatStoryHeader,
  formatStoryLine,
  formatSummary,
  formatVerdict,
  messageStory,
  startChain,
} from '../../../src/audit';
import {
  AuditEvent,
  type AuditRecord,
} from '../../../src/contract/generated/intelroute/v1/records';

const at = (ms: number): Date => new Date(Date.parse('2025-03-01T10:00:00.000Z') + ms);

function chain(chainId: string, events: Array<[AuditEvent, number, string]>): AuditRecord[] {
  const fields = events.map(([event, ms, messageId]) =>
    auditFields({ event, at: at(ms), messageId, identity: chainId, traceId: 'trace-1' }),
  );
  return auditRecordsFor(startChain(chainId), fields).appended.map((entry) => entry.record);
}

describe('messageStory', () => {
  const gateway = chain('gateway-1', [
    [AuditEvent.AUDIT_EVENT_RECEIVED, 0, 'm-1'],
    [AuditEvent.AUDIT_EVENT_RECEIVED, 1, 'm-2'],
    [AuditEvent.AUDIT_EVENT_ROUTED, 5, 'm-1'],
  ]);
  const readerDe = chain('reader-DE', [[AuditEvent.AUDIT_EVENT_DELIVERED, 9, 'm-1']]);
  const readerFr = chain('reader-FR', [
    [AuditEvent.AUDIT_EVENT_DELIVERED, 9, 'm-1'],
    [AuditEvent.AUDIT_EVENT_ACKED, 9, 'm-1'],
  ]);

  it("gives only the message's records, ordered by time, then chain, then sequence", () => {
    const story = messageStory([...readerFr, ...readerDe, ...gateway], 'm-1');
    expect(story.map((r) => [r.chainId, r.sequence])).toEqual([
      ['gateway-1', '0'],
      ['gateway-1', '2'],
      ['reader-DE', '0'],
      ['reader-FR', '0'],
      ['reader-FR', '1'],
    ]);
  });

  it('is empty for an id no record mentions', () => {
    expect(messageStory(gateway, 'm-404')).toEqual([]);
  });
});

describe('audit output lines', () => {
  it('prints an event with time, event, chain#sequence, identity, locations and reasons', () => {
    const [record] = auditRecordsFor(startChain('gateway-1'), [
      auditFields({
        event: AuditEvent.AUDIT_EVENT_ROUTED,
        at: at(0),
        messageId: 'm-1',
        identity: 'ncb:FR',
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        locations: [{ topic: 'intel.v1.country.DE', partition: 2, offset: '17' }],
        routesNotTaken: [
          { topic: 'intel.v1.country.IT', reason: 'RESTRICTED_TO_EXCLUDES', description: '' },
        ],
        ruleId: 'default-vendor',
      }),
    ]).appended.map((entry) => entry.record);
    expect(formatStoryLine(record!)).toBe(
      '2025-03-01T10:00:00.000Z ROUTED chain=gateway-1#0 identity=ncb:FR ' +
        'locations=intel.v1.country.DE/2@17 not-taken=intel.v1.country.IT:RESTRICTED_TO_EXCLUDES ' +
        'rule=default-vendor trace=4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(formatStoryHeader('m-1', [record!])).toBe(
      'message m-1: 1 audit event(s), trace 4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('prints a verdict as ok or BROKEN with the first bad offset, and a summary', () => {
    const broken = {
      chainId: 'gateway-1',
      records: 4,
      problem: { kind: 'gap' as const, at: { partition: 2, offset: '17' }, message: 'gap: x' },
    };
    const ok = { chainId: 'reader-FR', records: 3, problem: undefined };
    expect(formatVerdict(ok)).toBe('ok reader-FR 3 records');
    expect(formatVerdict(broken)).toBe('BROKEN gateway-1 at 2:17: gap: x');
    expect(formatSummary({ ok: false, records: 7, chains: [broken, ok] }, [])).toBe(
      'audit trail BROKEN: 1 broken chain(s), 0 unusable head(s), 0 untrusted chain(s); 2 chain(s), 7 record(s)',
    );
    expect(formatSummary({ ok: true, records: 3, chains: [ok] }, [])).toBe(
      'audit trail ok: 1 chain(s), 3 record(s)',
    );
  });
});
