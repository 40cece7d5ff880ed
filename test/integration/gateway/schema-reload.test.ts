import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PublishRefusedError } from '../../../src/client';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';
import { eventually } from '../../helpers/eventually';
import { validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, type TestGateway } from '../../helpers/gateway-harness';
import { testKafkaClient } from '../../helpers/kafka';
import { readAllCommitted } from '../../helpers/read-topic';

jest.setTimeout(90_000);

const SHIPPED = path.resolve(__dirname, '../../../schemas');
const TYPE = 'online-vendor-report';

/**
 * A new payload schema version takes effect without a restart (as rules and grants do), is
 * audited, and a bad one is refused as a whole while the versions in force keep working.
 */
describe('payload schemas reload without a restart', () => {
  let gw: TestGateway;
  let schemasDir: string;
  const kafka = testKafkaClient();

  beforeAll(async () => {
    schemasDir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-schemas-'));
    cpSync(SHIPPED, schemasDir, { recursive: true });
    gw = await startTestGateway({ gateway: { schemasDir } });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(schemasDir, { recursive: true, force: true });
  });

  /** The v2 file as version `version` (same content, its own $id). */
  function writeVersion(
    version: number,
    edit: (schema: Record<string, unknown>) => void = () => {},
  ) {
    const schema = JSON.parse(readFileSync(path.join(SHIPPED, TYPE, 'v2.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    schema.$id = `https://schemas.intelroute.org/${TYPE}/v${version}.json`;
    edit(schema);
    writeFileSync(path.join(schemasDir, TYPE, `v${version}.json`), JSON.stringify(schema));
  }

  async function outcome(version: number): Promise<string> {
    const client = await gw.client('urn:intelroute:ncb:FR', { retry: false });
    try {
      await client.publish({ ...validEnvelope(TYPE), schemaVersion: version });
      return 'accepted';
    } catch (error) {
      return (error as PublishRefusedError).refusal.reason;
    }
  }

  async function schemaAudit(): Promise<AuditRecord[]> {
    return (await readAllCommitted(kafka, gw.topic('intel.v1.audit')))
      .map((r) => AuditRecord.fromJSON(JSON.parse(r.value.toString())))
      .filter((r) => r.event === AuditEvent.AUDIT_EVENT_SCHEMAS_RELOADED);
  }

  it('accepts a version written while running, and audits what was added', async () => {
    expect(await outcome(3)).toBe('UNSUPPORTED_SCHEMA_VERSION');
    writeVersion(3);
    await eventually(
      () => outcome(3),
      (reason) => reason === 'accepted',
    );
    const audit = await eventually(schemaAudit, (records) => records.length > 0);
    expect(audit[0]).toMatchObject({ description: 'payload schemas reloaded' });
    expect(audit[0]!.changes).toEqual({ added: `${TYPE}/v3` });
  });

  it('refuses a version that breaks readers silently, keeps the set in force and audits it', async () => {
    writeVersion(4, (schema) => {
      schema.required = (schema.required as string[]).filter((name) => name !== 'summary');
    });
    const audit = await eventually(schemaAudit, (records) =>
      records.some((r) => r.description.includes('rejected')),
    );
    const rejected = audit.find((r) => r.description.includes('rejected'))!;
    expect(rejected.description).toContain('v4.json: breaks readers of v3');
    expect(await outcome(4)).toBe('UNSUPPORTED_SCHEMA_VERSION');
    expect(await outcome(3)).toBe('accepted');
    expect(await outcome(1)).toBe('accepted');
  });
});
