import { generateKeyPairSync } from 'node:crypto';
import { headSignerFromPem } from '../../../src/audit/head-signature';
import { AuditEvent, AuditRecord } from '../../../src/contract/generated/intelroute/v1/records';
import { runCli } from '../../helpers/cli';
import { testKafkaClient, uniqueName } from '../../helpers/kafka';
import {
  ChainWriter,
  copyTrail,
  createTrailTopics,
  event,
  readTrail,
  recordOf,
  TRUSTED_KEYS_DIR,
  writeGenuineTrail,
} from './audit-trail-fixtures';

jest.setTimeout(90_000);

const kafka = testKafkaClient();
const admin = kafka.admin();
const env = (prefix: string) => ({
  INTELROUTE_TOPIC_PREFIX: prefix,
  INTELROUTE_LOG_LEVEL: 'warn',
  INTELROUTE_AUDIT_TRUSTED_KEYS_DIR: TRUSTED_KEYS_DIR,
});

let genuinePrefix: string;
let tamperedPrefix: string;
let removedAt: string;

beforeAll(async () => {
  await admin.connect();
  const genuine = await createTrailTopics(admin);
  await writeGenuineTrail(kafka, genuine.topics);
  genuinePrefix = genuine.prefix;
  const trail = await readTrail(kafka, genuine.topics);
  const tampered = await createTrailTopics(admin);
  const removed = recordOf(trail, 'gateway-1', '1');
  await copyTrail(kafka, trail, tampered.topics, (records) => records.filter((r) => r !== removed));
  tamperedPrefix = tampered.prefix;
  const copy = await readTrail(kafka, tampered.topics);
  const after = recordOf(copy, 'gateway-1', '2');
  removedAt = `${after.partition}:${after.offset}`;
});
afterAll(async () => {
  await admin.disconnect();
});

describe('intelroute audit verify', () => {
  it('prints one ok line per chain and a summary, and exits 0 on an untouched trail', async () => {
    const result = await runCli(['audit', 'verify'], env(genuinePrefix));
    expect(result.stdout.trim().split('\n')).toEqual([
      'ok gateway-1 5 records',
      'ok reader-DE 3 records',
      'audit trail ok: 2 chain(s), 8 record(s)',
    ]);
    expect(result.code).toBe(0);
  });

  it('names the broken chain and its first bad offset, and exits 1, on a tampered trail', async () => {
    const result = await runCli(['audit', 'verify'], env(tamperedPrefix));
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      `BROKEN gateway-1 at ${removedAt}: gap: sequence jumps from 0 to 2: 1 record(s) missing before this one (sequence 1)`,
    );
    expect(lines.slice(1)).toEqual([
      'ok reader-DE 3 records',
      'audit trail BROKEN: 1 broken chain(s), 0 unusable head(s), 0 untrusted chain(s); 2 chain(s), 7 record(s)',
    ]);
    expect(result.code).toBe(1);
  });

  it.each([
    ['an unsigned head', undefined],
    ['a head signed by a key verify does not trust', 'stranger'],
  ] as const)(
    'names a chain forged with kcat-like writes and %s, and exits 1',
    async (_case, signer) => {
      const forged = await createTrailTopics(admin);
      await writeGenuineTrail(kafka, forged.topics);
      const stranger = headSignerFromPem(
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
        'stranger',
      );
      const evil = await ChainWriter.connect(
        kafka,
        forged.topics,
        'gateway-evil2',
        signer === undefined ? null : stranger,
      );
      await evil.write([
        event(AuditEvent.AUDIT_EVENT_ROUTED, 'forged-1', 5, { identity: 'ncb:FR' }),
      ]);
      await evil.disconnect();
      const result = await runCli(['audit', 'verify'], env(forged.prefix));
      expect(result.code).toBe(1);
      const lines = result.stdout.trim().split('\n');
      expect(lines).toContain('ok gateway-evil2 1 records'); // the hashes hold: only the signature tells
      expect(lines).toContainEqual(expect.stringMatching(/^UNTRUSTED gateway-evil2: its head /));
      expect(lines.at(-1)).toMatch(/1 untrusted chain\(s\)/);
    },
  );

  it('exits 1 naming the topic when the audit topics do not exist', async () => {
    const result = await runCli(['audit', 'verify'], env(`${uniqueName('test.none')}.`));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /topic test\.none\.\w+\.intel\.v1\.audit\.heads does not exist \[KAFKA_TOPIC_MISSING\]/,
    );
  });
});

describe('intelroute audit trace', () => {
  it("prints the message's story in order with its trace id", async () => {
    const result = await runCli(['audit', 'trace', 'm-1'], env(genuinePrefix));
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'message m-1: 4 audit event(s), trace trace-m-1',
      '2025-03-01T10:00:00.000Z RECEIVED chain=gateway-1#0 identity=ncb:FR trace=trace-m-1',
      '2025-03-01T10:00:00.002Z ROUTED chain=gateway-1#1 identity=ncb:FR locations=intel.v1.country.DE/1@41 trace=trace-m-1',
      '2025-03-01T10:00:00.010Z DELIVERED chain=reader-DE#0 locations=intel.v1.country.DE/1@41 reader=reader-DE trace=trace-m-1',
      '2025-03-01T10:00:00.016Z ACKED chain=reader-DE#2 reader=reader-DE trace=trace-m-1',
    ]);
  });

  it('prints JSON lines in the proto3 JSON mapping with --json', async () => {
    const result = await runCli(['audit', 'trace', 'm-2', '--json'], env(genuinePrefix));
    expect(result.code).toBe(0);
    const records = result.stdout
      .trim()
      .split('\n')
      .map((line) => AuditRecord.fromJSON(JSON.parse(line)));
    expect(records.map((r) => [r.chainId, r.sequence, r.messageId])).toEqual([
      ['gateway-1', '2', 'm-2'],
      ['gateway-1', '4', 'm-2'],
      ['reader-DE', '1', 'm-2'],
    ]);
  });

  it('exits 1 with a clear message for an id no record mentions', async () => {
    const result = await runCli(['audit', 'trace', 'm-404'], env(genuinePrefix));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      `intelroute: no audit record of message m-404 in ${genuinePrefix}intel.v1.audit (8 record(s) read) [AUDIT_MESSAGE_NOT_FOUND]`,
    );
  });
});
