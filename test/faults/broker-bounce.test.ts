import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalKafkaCluster } from '../../src/kafka/local';
import { eventually } from '../helpers/eventually';
import { checkAuditTrail, expectAuditHolds } from './support/audit-check';
import { startFaultCluster } from './support/fault-cluster';
import { startFaultGateway, type FaultGateway } from './support/fault-gateway';
import { Ledger, expectLedgerHolds } from './support/ledger';
import { readStreamToLedger } from './support/ledger-reader';
import { LogCapture } from './support/log-capture';
import { healthProbe, startMixedLoad, watchStatuses } from './support/mixed-load';

jest.setTimeout(300_000);

const PUBLISH_TIMEOUT_MS = 4000;
const REQUEST_TIMEOUT_MS = 5000;
/** Longer than the Kafka request timeout: kafkajs must give up on the frozen broker. */
const FREEZE_MS = REQUEST_TIMEOUT_MS + 4000;
const BOUNCES = 5;
/** Slack for an answer written at the gateway's deadline to reach the client. */
const ANSWER_MARGIN_MS = 750;

/**
 * A single broker bounced five times (SIGKILL, restart) during a load, then frozen (SIGSTOP)
 * for longer than the Kafka request timeout and thawed (SIGCONT). The gateway answers
 * UNAVAILABLE or DEADLINE_EXCEEDED for what it could not write — never an ack — each answer
 * within its deadline, and recovers by itself (SERVING again, acks again), recreating its
 * producer after each failure. Whether health left SERVING during the freeze is printed: it
 * depends on where kafkajs's request timeouts and retries fall (see the report on the issue).
 */
describe('fault: single broker bounced and frozen', () => {
  let cluster: LocalKafkaCluster | undefined;
  let gw: FaultGateway | undefined;
  const capture = new LogCapture('warn');

  beforeAll(async () => {
    cluster = await startFaultCluster(1);
    gw = await startFaultGateway({
      brokers: cluster.brokers,
      partitions: 3,
      gateway: { publishTimeoutMs: PUBLISH_TIMEOUT_MS },
      kafka: { requestTimeoutMs: REQUEST_TIMEOUT_MS, connectionTimeoutMs: 1000 },
      logger: capture.logger,
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await cluster?.stop();
  });

  it('never acks an unwritten message, answers in time, and recovers by itself', async () => {
    const kafkaCluster = cluster as LocalKafkaCluster;
    const gateway = gw as FaultGateway;
    const health = await healthProbe(gateway);
    expect(await health()).toBe('SERVING');
    const ledger = new Ledger(
      `broker-bounce (1 node, ${BOUNCES}x SIGKILL, SIGSTOP ${FREEZE_MS} ms)`,
    );
    const load = await startMixedLoad(gateway, ledger, {
      publishTimeoutMs: PUBLISH_TIMEOUT_MS,
      maxMs: 200_000,
    });
    const faults: string[] = [];
    let frozenStatuses: Set<string> | undefined;
    try {
      await ledger.whenAcked(300, 60_000, load.done);
      for (let bounce = 1; bounce <= BOUNCES; bounce++) {
        const refusedBefore = ledger.counts().refused;
        await kafkaCluster.killNode(1);
        await sleep(1500); // calls keep coming while the broker is gone
        await kafkaCluster.restartNode(1);
        await eventually(health, (status) => status === 'SERVING', { timeoutMs: 60_000 });
        await ledger.whenAcked(ledger.ackedCount + 200, 60_000, load.done);
        faults.push(`kill${bounce}:refused+${ledger.counts().refused - refusedBefore}`);
      }

      const watch = watchStatuses(health);
      kafkaCluster.pauseNode(1);
      await sleep(FREEZE_MS);
      kafkaCluster.resumeNode(1);
      frozenStatuses = await watch.stop();
      faults.push(`sigstop:${[...frozenStatuses].join('/')}`);
      await eventually(health, (status) => status === 'SERVING', { timeoutMs: 60_000 });
      await ledger.whenAcked(ledger.ackedCount + 200, 60_000, load.done);
    } catch (error) {
      ledger.print();
      throw error;
    } finally {
      load.stop();
      await load.done;
    }
    await gateway.stop();

    const stored = await readStreamToLedger({
      kafka: gateway.kafka,
      prefix: gateway.prefix,
      country: 'DE',
      ledger,
      timeoutMs: 120_000,
    });
    const audit = await checkAuditTrail(gateway.kafka, gateway.prefix);
    const late = load.book.late(ANSWER_MARGIN_MS);
    const recreated = capture.count('Kafka write failed; recreating the producer');
    const slowest = Math.max(...load.book.timings.map((t) => t.elapsedMs));
    ledger.note(`faults=${faults.join(',')}`);
    ledger.note(`producer-recreated=${recreated} slowest-answer=${slowest}ms late=${late.length}`);
    ledger.note(`refusals=${JSON.stringify(ledger.refusalCodes())}`);
    ledger.note(`records=${stored.records} kafka-duplicates=${stored.duplicates}`);
    ledger.note(audit.summary);

    expectLedgerHolds(ledger, 1500);
    // What could not be written was refused as retriable, never acked, and answered in time.
    expect(Object.keys(ledger.refusalCodes()).sort()).toEqual(
      expect.arrayContaining(['UNAVAILABLE']),
    );
    for (const code of Object.keys(ledger.refusalCodes())) {
      expect(['UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain(code);
    }
    expect(late).toEqual([]);
    expect(load.book.contradictedRefusals()).toEqual([]);
    // The recovery path was taken: a kill left a transaction kafkajs could not finish, and the
    // writer threw its producer away. (Not one per kill: a transaction that kafkajs's retries
    // carry over a quick restart is as good; the ledger above is what must hold.)
    expect(recreated).toBeGreaterThanOrEqual(1);
    expectAuditHolds(audit, ledger.ackedIdList());
  });
});
