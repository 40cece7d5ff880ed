import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PublishRefusedError } from '../../../src/client';
import { AuditRecord, AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';
import { OriginKind } from '../../../src/contract/generated/intelroute/v1/envelope';
import { eventually } from '../../helpers/eventually';
import { validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';

jest.setTimeout(90_000);

const grants = (agencies: string[]): string =>
  [
    'version: 1',
    'ncbs:',
    '  - country: FR',
    '    copyAgencySends: true',
    '    agencies:',
    ...agencies.flatMap((id) => [
      `      - agency: urn:intelroute:agency:FR:${id}`,
      '        publish: [seizure-report]',
    ]),
    '',
  ].join('\n');

const fromAgency = (id: string) =>
  validEnvelope('seizure-report', {
    origin: { kind: OriginKind.ORIGIN_KIND_AGENCY, country: 'FR', agencyId: id },
  });

/**
 * Delegated access: only agencies the NCB granted may publish, the NCB gets its copy, and a
 * change of the grants file takes effect without restart and is audited. Routing rules too.
 */
describe('gateway delegated access and hot reload', () => {
  let gw: TestGateway;
  let grantsFile: string;
  let rulesFile: string;
  const kafka = testKafkaClient();

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-docs-'));
    grantsFile = path.join(dir, 'grants.yaml');
    rulesFile = path.join(dir, 'routing.yaml');
    writeFileSync(grantsFile, grants(['customs']));
    writeFileSync(rulesFile, readFileSync(path.resolve(__dirname, '../../../config/routing.yaml')));
    gw = await startTestGateway({ gateway: { grantsFile, rulesFile } });
  });
  afterAll(() => gw?.stop());

  async function refusalReason(urn: string, agency: string): Promise<string> {
    const client = await gw.client(urn, { retry: false });
    try {
      await client.publish(fromAgency(agency));
    } catch (error) {
      return (error as PublishRefusedError).refusal.reason;
    }
    return 'accepted';
  }

  it('accepts a granted agency and copies its NCB; refuses an agency without a grant', async () => {
    const client = await gw.client('urn:intelroute:agency:FR:customs');
    const ack = await client.publish(fromAgency('customs'));
    expect(ack.records.map((r) => r.topic).sort()).toEqual(
      [gw.topic('intel.v1.country.FR'), gw.topic('intel.v1.secretariat')].sort(),
    );
    expect(await refusalReason('urn:intelroute:agency:FR:police', 'police')).toBe('GRANT_MISSING');
  });

  it('applies a changed grants file without restart, and audits the change', async () => {
    writeFileSync(grantsFile, grants(['customs', 'police']));
    await eventually(
      () => refusalReason('urn:intelroute:agency:FR:police', 'police'),
      (r) => r === 'accepted',
      {
        timeoutMs: 15_000,
        intervalMs: 500,
      },
    );
    const audit = await eventually(
      async () =>
        (await readAllCommitted(kafka, gw.topic('intel.v1.audit'))).map((r) =>
          AuditRecord.fromJSON(JSON.parse(r.value.toString())),
        ),
      (records) => records.some((r) => r.event === AuditEvent.AUDIT_EVENT_GRANTS_CHANGED),
    );
    const change = audit.find((r) => r.event === AuditEvent.AUDIT_EVENT_GRANTS_CHANGED)!;
    expect(Object.values(change.changes).join(' ')).toContain('urn:intelroute:agency:FR:police');
  });

  it('rejects a broken grants or rules file as a whole and keeps the version in force', async () => {
    writeFileSync(
      grantsFile,
      'version: 1\nncbs:\n  - country: FR\n    agencies: [{ agency: not-a-urn }]\n',
    );
    writeFileSync(rulesFile, 'version: 1\nrules: [{ id: broken }]\n');
    // Both reloads are attempted and audited as rejected…
    await eventually(
      async () =>
        (await readAllCommitted(kafka, gw.topic('intel.v1.audit'))).map((r) =>
          AuditRecord.fromJSON(JSON.parse(r.value.toString())),
        ),
      (records) =>
        records.some(
          (r) =>
            r.event === AuditEvent.AUDIT_EVENT_RULES_RELOADED && r.description.includes('rejected'),
        ) &&
        records.some(
          (r) =>
            r.event === AuditEvent.AUDIT_EVENT_GRANTS_CHANGED && r.description.includes('rejected'),
        ),
    );
    // …and the versions in force still apply.
    expect(await refusalReason('urn:intelroute:agency:FR:police', 'police')).toBe('accepted');
    const client = await gw.client('urn:intelroute:ncb:FR');
    const ack = await client.publish(validEnvelope('information-request'));
    expect(ack.records.map((r) => r.topic)).toEqual([gw.topic('intel.v1.country.DE')]);
  });
});
