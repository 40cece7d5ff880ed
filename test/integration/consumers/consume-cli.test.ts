import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import {
  auditTopicsFor,
  parseAuditValue,
  readAuditTrail,
  readHeads,
  verifyChains,
} from '../../../src/audit';
import type { TopicsConfig } from '../../../src/config';
import { readerStream } from '../../../src/services/readers';
import { TOPICS, countryTopic } from '../../../src/contract/topic-names';
import { AuditEvent } from '../../../src/contract/generated/intelroute/v1/records';
import { killStartedClis, runCli, startCli, waitForLine } from '../../helpers/cli';
import { eventually } from '../../helpers/eventually';
import { testBrokers, testKafkaClient } from '../../helpers/kafka';
import {
  COUNTRIES,
  committedPast,
  directoryRecord,
  provisionTopics,
  recordsFor,
  routedEnvelope,
  writeRecords,
} from './consumer-fixtures';

jest.setTimeout(120_000);

/** Message ids of the complete lines of a JSON Lines file, in file order. */
function idsInFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) => (JSON.parse(line) as { messageId: string }).messageId);
}

describe('intelroute consume and directory (compiled CLI)', () => {
  let kafka: Kafka;
  let admin: Admin;
  let topics: TopicsConfig;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    kafka = testKafkaClient();
    admin = kafka.admin();
    await admin.connect();
    topics = await provisionTopics(admin, 3);
    dir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-consume-'));
    // A dead member holds its partitions until its session times out: keep that short here.
    const config = path.join(dir, 'config.yaml');
    writeFileSync(config, 'readers:\n  sessionTimeoutMs: 6000\n');
    env = {
      KAFKA_BROKERS: testBrokers().join(','),
      INTELROUTE_CONFIG: config,
      INTELROUTE_TOPIC_PREFIX: topics.prefix,
      INTELROUTE_MEMBER_COUNTRIES: COUNTRIES.join(','),
      INTELROUTE_LOG_LEVEL: 'warn',
      INTELROUTE_METRICS_PORT: '0', // a free port: several processes may run at once
    };
  });
  afterEach(() => killStartedClis());
  afterAll(() => admin.disconnect());

  it('handles every message of a 5,000-message run exactly once although the reader is SIGKILLed mid-run', async () => {
    const inbox = `${topics.prefix}${countryTopic('FR')}`;
    const envelopes = Array.from({ length: 5000 }, (_, i) =>
      routedEnvelope(i % 2 === 0 ? 'seizure-report' : 'online-vendor-report', {
        caseReference: `case-${i % 50}`,
      }),
    );
    const landed = await writeRecords(
      kafka,
      envelopes.flatMap((e) => recordsFor(e, [inbox])),
    );
    const out = path.join(dir, 'fr.jsonl');
    const args = ['consume', 'country', 'FR', '--out', out];

    const first = startCli(args, env);
    await waitForLine(first, /^reader .* ready/);
    await eventually(
      async () => idsInFile(out).length,
      (n) => n >= 1500,
      { intervalMs: 10 },
    );
    first.kill('SIGKILL');
    const killedAt = idsInFile(out).length;
    expect(killedAt).toBeLessThan(envelopes.length); // killed mid-run

    const second = startCli(args, env);
    const ready = await waitForLine(second, /^reader .* ready/);
    const metricsUrl = /metrics (http:\/\/\S+)$/.exec(ready)?.[1] ?? 'no metrics url';
    const group = readerStream({ kind: 'country-inbox', country: 'FR' }, topics.prefix).group;
    await eventually(() => committedPast(admin, group, landed), Boolean, { timeoutMs: 90_000 });
    // The reader's own metrics: what it delivered, and no lag left on the inbox but the last
    // transaction marker of each partition (which the lag gauge counts as a record).
    const lagOf = (body: string): number =>
      Number(
        new RegExp(`intelroute_consumer_lag\\{[^}]*topic="${inbox}"[^}]*\\} (\\d+)`).exec(
          body,
        )?.[1] ?? NaN,
      );
    const text = await eventually(
      async () => (await fetch(metricsUrl)).text(),
      (body) => lagOf(body) <= topics.partitions,
    );
    expect(text).toMatch(
      /intelroute_reader_messages_processed_total\{[^}]*outcome="delivered"[^}]*\} [1-9]/,
    );
    const exited = new Promise((resolve) => second.once('exit', resolve));
    second.kill('SIGTERM');
    expect(await exited).toBe(0); // a graceful stop

    const ids = idsInFile(out);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(envelopes.length);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    const position = new Map(ids.map((id, index) => [id, index]));
    for (let c = 0; c < 50; c += 1) {
      const ofCase = envelopes
        .filter((_, i) => i % 50 === c)
        .map((e) => position.get(e.messageId) ?? -1);
      expect(ofCase).toEqual([...ofCase].sort((x, y) => x - y));
    }
    // Kafka state is exactly once: one committed DELIVERED audit record per message, on a chain
    // the restarted reader continued without a gap (the killed one's open transaction aborted).
    const trail = await readAuditTrail({ kafka, admin }, auditTopicsFor(topics.prefix));
    const report = verifyChains(trail.records, readHeads(trail.heads).heads);
    expect(report.ok).toBe(true);
    const delivered = trail.records
      .map((record) => parseAuditValue(record.value))
      .filter((record) => record.event === AuditEvent.AUDIT_EVENT_DELIVERED);
    expect(delivered).toHaveLength(envelopes.length);
    expect(new Set(delivered.map((record) => record.messageId)).size).toBe(envelopes.length);
    const line = JSON.parse(readFileSync(out, 'utf8').split('\n')[0] ?? '{}') as Record<
      string,
      unknown
    >;
    expect(line).toMatchObject({
      topic: inbox,
      sender: 'urn:intelroute:ncb:FR',
      payloadEncoding: 'json',
    });
  });

  it('shows contact points from the directory, and exits 1 for a country without one', async () => {
    const topic = `${topics.prefix}${TOPICS.contactPointDirectory}`;
    const italy = directoryRecord(topic, 'IT');
    await writeRecords(kafka, [italy.record]);
    const shown = await runCli(['directory', 'show', 'IT'], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      country: 'IT',
      status: 'active',
      messageId: italy.envelope.messageId,
      contactPoint: { unit: { name: expect.any(String) } },
    });
    const unknown = await runCli(['directory', 'show', 'DE'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /no contact point was ever designated for DE .*\[DIRECTORY_COUNTRY_UNKNOWN\]/,
    );
  });

  it('refuses a country that is not a member', async () => {
    const result = await runCli(['consume', 'country', 'ZZ'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"ZZ" is not a member country.*\[READER_OPTIONS_INVALID\]/);
  });
});
