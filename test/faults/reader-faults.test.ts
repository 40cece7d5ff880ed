import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import {
  ReaderRuntime,
  readerStream,
  type MessageHandler,
  type ReaderStream,
} from '../../src/services/readers';
import { countryTopic } from '../../src/contract/topic-names';
import { IntelrouteError } from '../../src/core/errors';
import { TransactionalWriter } from '../../src/kafka/transactional-writer';
import { silentLogger } from '../../src/telemetry/logger';
import { killStartedClis, startCli, waitForLine } from '../helpers/cli';
import { eventually } from '../helpers/eventually';
import { TEST_MEMBERS } from '../helpers/gateway-harness';
import { testBrokers, uniqueName } from '../helpers/kafka';
import { readAllCommitted, type ReadRecord } from '../helpers/read-topic';
import { checkAuditTrail, expectAuditHolds } from './support/audit-check';
import { startFaultGateway, type FaultGateway } from './support/fault-gateway';
import { Ledger, expectLedgerHolds } from './support/ledger';
import { faultReaderSettings } from './support/ledger-reader';
import { LoadBook, requestTo, runStreamLoad } from './support/publish-load';

jest.setTimeout(240_000);
afterAll(killStartedClis);

const PER_STREAM = 1500;
const SENDERS = ['FR', 'IT'] as const;
/** Records written a second time (a retry after an unknown outcome stores a message twice). */
const REWRITTEN = 300;

/** Every message id of the JSON Lines file, in file order (repeats kept). */
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

/** Writes `records` again, transactionally, as a gateway retry would. */
async function rewrite(kafka: Kafka, records: readonly ReadRecord[]): Promise<void> {
  const writer = new TransactionalWriter<never>({
    kafka,
    transactionalId: uniqueName('fault-rewrite'),
    logger: silentLogger(),
  });
  await writer.start();
  try {
    const deadlineAtMs = Date.now() + 60_000;
    await Promise.all(
      records.map((r) =>
        writer.write({
          records: [
            {
              topic: r.topic,
              key: r.key ?? Buffer.alloc(0),
              value: r.value,
              headers: { ...r.headers },
            },
          ],
          events: [],
          deadlineAtMs,
        }),
      ),
    );
  } finally {
    await writer.stop();
  }
}

/** Committed offset per partition of `topic` for `group` (-1 when none). */
async function committedOffsets(admin: Admin, group: string, topic: string) {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

/**
 * Readers under load, with the ledger: messages published through the gateway while two groups
 * read them, and 300 of them stored a second time (as a retry after an unknown outcome would).
 *
 * - Group 1, in-process ReaderRuntime members: a second and a third member join and one leaves
 *   during consumption (three rebalances), and the handler throws now and then (first attempt of
 *   1 message in 25). kafkajs drops uncommitted offsets on a rebalance (tulios/kafkajs#28) and
 *   commits without generation fencing (#1046): the runtime commits before every hand-over and
 *   de-duplicates with its processed marks, so no handler reads an id twice.
 * - Group 2, `intelroute consume country DE --out <file>` committing only at the end of each
 *   fetched batch, SIGKILLed while it holds handled but uncommitted messages, restarted with the
 *   same instance id: the file holds every id once (the sink finds the replayed ones in its tail).
 */
describe('fault: readers rebalanced, failing and killed under load', () => {
  let gw: FaultGateway | undefined;
  let admin: Admin | undefined;

  beforeAll(async () => {
    gw = await startFaultGateway({ brokers: testBrokers(), partitions: 4 });
    admin = gw.kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await gw?.stop();
    await admin?.disconnect();
  });

  it('reads every acked id once per group through rebalances, handler failures and a SIGKILL', async () => {
    const gateway = gw as FaultGateway;
    const kafkaAdmin = admin as Admin;
    const inbox = gateway.topic(countryTopic('DE'));
    const group1 = new Ledger('reader-rebalance (3 members join/leave, throwing handler)');
    const group2 = new Ledger('reader-sigkill (CLI file sink, killed before commit, restarted)');

    // --- group 1: in-process members with a handler that fails now and then
    const stream1: ReaderStream = readerStream(
      { kind: 'country-inbox', country: 'DE' },
      gateway.prefix,
    );
    const attempts = new Map<string, number>();
    let throws = 0;
    const flaky = (id: string): boolean => createHash('sha256').update(id).digest()[0]! % 25 === 0;
    const handler: MessageHandler = async ({ envelope }) => {
      const id = envelope.messageId;
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      if (attempt === 1 && flaky(id)) {
        throws += 1;
        throw new IntelrouteError('READER_HANDLER_FAILED', 'the sink hiccupped');
      }
      await new Promise((resolve) => setTimeout(resolve, 1)); // a sink that takes a moment
      group1.read(id);
    };
    const member = (name: string): ReaderRuntime =>
      new ReaderRuntime({
        kafka: gateway.kafka,
        logger: silentLogger(),
        stream: stream1,
        instanceId: `fault-reader-${name}-${uniqueName('m')}`,
        topicPrefix: gateway.prefix,
        handler,
        settings: faultReaderSettings({ commitMaxMessages: 200 }),
      });
    const members = { a: member('a'), b: member('b'), c: member('c') };

    // --- group 2: the CLI reader with its file sink, committing only at batch ends
    const dir = mkdtempSync(path.join(os.tmpdir(), 'intelroute-fault-reader-'));
    const out = path.join(dir, 'de.jsonl');
    const config = path.join(dir, 'config.yaml');
    writeFileSync(
      config,
      'readers:\n  sessionTimeoutMs: 6000\n  commitMaxMessages: 10000\n  commitMaxDelayMs: 600000\n',
    );
    const group2Name = `${gateway.prefix}fault.cli-reader`;
    const cliEnv = {
      KAFKA_BROKERS: testBrokers().join(','),
      INTELROUTE_CONFIG: config,
      INTELROUTE_TOPIC_PREFIX: gateway.prefix,
      INTELROUTE_MEMBER_COUNTRIES: TEST_MEMBERS.join(','),
      INTELROUTE_LOG_LEVEL: 'warn',
      INTELROUTE_METRICS_PORT: '0',
    };
    const cliArgs = ['consume', 'country', 'DE', '--out', out, '--group', group2Name];
    cliArgs.push('--instance-id', uniqueName('fault-cli'));

    const book = new LoadBook(group1);
    const clients = await Promise.all(
      SENDERS.map((origin) =>
        gateway.client(`urn:intelroute:ncb:${origin}`, {
          retry: { maxAttempts: 20, initialBackoffMs: 200, maxBackoffMs: 2000 },
        }),
      ),
    );
    const load = Promise.all(
      SENDERS.map((origin, index) =>
        runStreamLoad({
          client: clients[index]!,
          book,
          count: PER_STREAM,
          maxInFlight: 64,
          message: (i) => ({
            envelope: requestTo(origin, 'DE', `case-${origin}-${i % 20}`),
            towardsReader: true,
          }),
        }),
      ),
    );
    const events: string[] = [];
    let handledUncommitted: number | undefined;
    const midRun: number[] = [];
    try {
      await members.a.start();

      await eventually(
        async () => group1.readCount,
        (n) => n >= 300,
        { timeoutMs: 60_000 },
      );
      await members.b.start();
      midRun.push(group1.readCount);
      events.push(`join-b@${group1.readCount}`);
      await eventually(
        async () => group1.readCount,
        (n) => n >= 800,
        { timeoutMs: 60_000 },
      );
      await members.c.start();
      midRun.push(group1.readCount);
      events.push(`join-c@${group1.readCount}`);

      await eventually(
        async () => group1.readCount,
        (n) => n >= 1400,
        { timeoutMs: 60_000 },
      );
      await members.b.stop();
      midRun.push(group1.readCount);
      events.push(`leave-b@${group1.readCount}`);
      await load;

      // Group 2 starts on the backlog, so its fetched batches are large and each is committed
      // only at its end: killed mid-batch, it holds handled but uncommitted messages.
      const cli = startCli(cliArgs, cliEnv);
      cli.stderr.resume();
      await waitForLine(cli, /^reader .* ready/);
      cli.stdout.resume();
      // Kill the CLI reader while it holds handled but uncommitted messages.
      await eventually(
        async () => idsInFile(out).length,
        (n) => n >= 600,
        {
          timeoutMs: 60_000,
          intervalMs: 20,
        },
      );
      const exited = new Promise((resolve) => cli.once('exit', resolve));
      cli.kill('SIGKILL');
      await exited;
      const inFile = new Set(idsInFile(out));
      const committed = await committedOffsets(kafkaAdmin, group2Name, inbox);
      const stored = await readAllCommitted(gateway.kafka, inbox);
      handledUncommitted = stored.filter(
        (r) =>
          inFile.has(r.headers['message-id'] ?? '') &&
          BigInt(r.offset) >= (committed.get(r.partition) ?? -1n),
      ).length;
      events.push(`sigkill-cli@${inFile.size}(uncommitted=${handledUncommitted})`);
      const restarted = startCli(cliArgs, cliEnv);
      restarted.stderr.resume();
      await waitForLine(restarted, /^reader .* ready/);
      restarted.stdout.resume();

      // A retry after an unknown outcome stores a message twice: readers must absorb it.
      const all = await readAllCommitted(gateway.kafka, inbox);
      await rewrite(
        gateway.kafka,
        all.filter((_, i) => i % Math.floor(all.length / REWRITTEN) === 0).slice(0, REWRITTEN),
      );
      const storedIds = new Set(
        (await readAllCommitted(gateway.kafka, inbox)).map((r) => r.headers['message-id'] ?? ''),
      );
      await eventually(
        async () => [...storedIds].filter((id) => !group1.hasRead(id)).length,
        (missing) => missing === 0,
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      await eventually(
        async () => {
          const file = new Set(idsInFile(out));
          return [...storedIds].filter((id) => !file.has(id)).length;
        },
        (missing) => missing === 0,
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      await new Promise((resolve) => setTimeout(resolve, 2000)); // late repeats would show now
      const stoppedCli = new Promise((resolve) => restarted.once('exit', resolve));
      restarted.kill('SIGTERM');
      expect(await stoppedCli).toBe(0);
    } catch (error) {
      group1.print();
      throw error;
    } finally {
      clients.forEach((c) => c.close());
      await Promise.all(Object.values(members).map((m) => m.stop()));
    }
    await gateway.stop();

    group2.adoptOutcomes(group1);
    for (const id of idsInFile(out)) group2.read(id);
    const audit = await checkAuditTrail(gateway.kafka, gateway.prefix);
    group1.note(`events=${events.join(',')} handler-throws=${throws} rewritten=${REWRITTEN}`);
    group1.note(audit.summary);
    group2.note(`events=${events.filter((e) => e.includes('cli')).join(',')}`);
    group2.note(`rewritten=${REWRITTEN}`);
    group2.note(audit.summary);

    expectLedgerHolds(group1, SENDERS.length * PER_STREAM);
    expectLedgerHolds(group2, SENDERS.length * PER_STREAM);
    expect(throws).toBeGreaterThan(0);
    // The kill fell between handling and commit: the restart replayed handled messages.
    expect(handledUncommitted ?? 0).toBeGreaterThan(0);
    // Every membership change happened while messages were still unread.
    expect(midRun.filter((n) => n >= SENDERS.length * PER_STREAM)).toEqual([]);
    expectAuditHolds(audit, group1.ackedIdList());
  });
});
