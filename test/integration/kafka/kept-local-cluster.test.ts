import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditTopicsFor, readAuditTrail, readHeads, verifyChains } from '../../../src/audit';
import { checkHeadSignatures } from '../../../src/audit/head-signature';
import { trustedWriterKeys } from '../../../src/audit/writer-keys';
import { loadConfig } from '../../../src/config';
import { createKafkaClient } from '../../../src/kafka/kafka-client';
import { LocalKafkaCluster } from '../../../src/kafka/local';
import { silentLogger } from '../../../src/telemetry/logger';
import { validEnvelope } from '../../helpers/envelopes';
import { startTestGateway, TestCertificates } from '../../helpers/gateway-harness';
import { readAllCommitted } from '../../helpers/read-topic';

jest.setTimeout(240_000);

/**
 * A local cluster with a data folder keeps what it was given: stopped and started again on the
 * same folder, it comes back on the same address with every acknowledged message, the audit
 * chain intact and the gateway's idempotency memory able to answer a retry.
 */
describe('a local Kafka kept in a data folder', () => {
  const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'intelroute-kept-')), 'kafka');
  const options = {
    ...loadConfig({ env: {} }).localKafka,
    env: process.env,
    dataDir,
    stopGraceMs: 10_000,
  };
  let cluster: LocalKafkaCluster | undefined;
  afterAll(() => cluster?.stop());

  it('finds every acked message, an intact audit chain and its idempotency memory after a restart', async () => {
    cluster = await LocalKafkaCluster.start(options);
    const brokers = cluster.brokers;
    const certs = await TestCertificates.create();
    const gatewayConfig = { instanceId: 'kept-gateway' };
    const first = await startTestGateway({ brokers, certs, gateway: gatewayConfig });
    const prefix = first.prefix;
    const sent = Array.from({ length: 20 }, () => validEnvelope('seizure-report'));
    const client = await first.client('urn:intelroute:ncb:FR');
    const acks = [];
    for (const envelope of sent) acks.push(await client.publish(envelope));
    await first.stop();
    await cluster.stop();

    cluster = await LocalKafkaCluster.start(options);
    expect(cluster.brokers).toEqual(brokers);
    const kafka = createKafkaClient({ brokers, clientId: 'kept-check', logger: silentLogger() });
    const stored = await readAllCommitted(kafka, `${prefix}intel.v1.secretariat`);
    const storedAt = new Set(stored.map((r) => `${r.partition}/${r.offset}`));
    for (const ack of acks) {
      for (const record of ack.records.filter((r) => r.topic.endsWith('secretariat'))) {
        expect(storedAt.has(`${record.partition}/${record.offset}`)).toBe(true);
      }
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const trail = await readAuditTrail({ kafka, admin }, auditTopicsFor(prefix));
      const { heads, problems } = readHeads(trail.heads);
      const report = verifyChains(trail.records, heads, { allowRecordsAfterHead: false });
      const trusted = trustedWriterKeys(first.config);
      const untrusted = checkHeadSignatures(heads, trusted);
      expect({ ok: report.ok, problems, untrusted }).toEqual({
        ok: true,
        problems: [],
        untrusted: [],
      });
      // One ROUTED record per acked message (the gateway writes one record per decision).
      expect(report.records).toBeGreaterThanOrEqual(acks.length);
    } finally {
      await admin.disconnect();
    }
    // The same gateway instance again, on the kept topics: a retry is answered from memory.
    const again = await startTestGateway({ brokers, certs, gateway: gatewayConfig, prefix });
    try {
      const retry = await (await again.client('urn:intelroute:ncb:FR')).publish(sent[0]!);
      expect(retry).toMatchObject({ duplicate: true, records: acks[0]!.records });
    } finally {
      await again.stop();
    }
  });
});
