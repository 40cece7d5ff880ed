import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EMPTY_GRANTS, loadPublishPolicy } from '../../../src/core/authorization';
import {
  Envelope,
  HandlingCode,
  Priority,
} from '../../../src/contract/generated/intelroute/v1/envelope';
import type { GatewayEvent } from '../../../src/gateway/gateway-events';
import { IdempotencyStore } from '../../../src/gateway/idempotency-store';
import { PublishPipeline, type PublishOutcome } from '../../../src/gateway/publish-pipeline';
import { IntelrouteError } from '../../../src/core/errors';
import type { RecordLocation, WriteJob } from '../../../src/kafka/transactional-writer';
import { parseIdentityUrn } from '../../../src/identity';
import { loadRuleSet } from '../../../src/core/routing';
import { gatewayReceiveSpan, silentLogger } from '../../../src/telemetry';
import { loadSchemaRegistry } from '../../../src/core/validation';
import { FIXTURE_NOW, payloadBytes, validEnvelope } from '../../helpers/envelopes';

const ROOT = path.resolve(__dirname, '../../..');
const registry = loadSchemaRegistry({ schemasDir: path.join(ROOT, 'schemas') });
const rules = loadRuleSet(readFileSync(path.join(ROOT, 'config/routing.yaml'), 'utf8'));
const policy = loadPublishPolicy(readFileSync(path.join(ROOT, 'config/policy.yaml'), 'utf8'));
const FR = parseIdentityUrn('urn:intelroute:ncb:FR');

/** A writer that records jobs and answers as told (a test double of Kafka, for the pure core). */
class FakeWriter {
  jobs: WriteJob<GatewayEvent>[] = [];
  answer: (job: WriteJob<GatewayEvent>) => Promise<RecordLocation[]> = async (job) =>
    job.records.map((r, i) => ({ topic: r.topic, partition: 0, offset: String(i) }));
  write(job: WriteJob<GatewayEvent>): Promise<RecordLocation[]> {
    this.jobs.push(job);
    return this.answer(job);
  }
  /**
   * Holds the write of the next routed message until the returned function is called; dead
   * letters of refusals are answered at once.
   */
  holdRoutedWrites(): () => void {
    let release: () => void = () => undefined;
    const base = this.answer;
    this.answer = (job) =>
      job.records.length === 0 || job.events[0]?.kind !== 'routed'
        ? base(job)
        : new Promise((resolve) => (release = () => void base(job).then(resolve)));
    return () => release();
  }
}

function pipeline(writer: FakeWriter, store = new IdempotencyStore(60_000, 100)) {
  return new PublishPipeline({
    registry,
    policy,
    rules: () => rules,
    grants: () => EMPTY_GRANTS,
    memberCountries: new Set(['FR', 'DE', 'DK', 'IT', 'NL']),
    writer,
    store,
    logger: silentLogger(),
    now: () => FIXTURE_NOW.getTime(),
    settings: {
      topicPrefix: 't.',
      instanceId: 'gw-test',
      maxPayloadBytes: 1_048_576,
      maxFutureSkewMs: 300_000,
      replyDeadlinesMs: { routine: 1000, high: 2000, urgent: 3000, immediate: 4000 },
    },
  });
}

const span = () => gatewayReceiveSpan({ method: 'Publish' });
const publish = (p: PublishPipeline, envelope: Envelope, deadlineAtMs = Date.now() + 10_000) =>
  p.publish(envelope, { identity: FR, deadlineAtMs, span: span() });

describe('PublishPipeline', () => {
  it('writes one stamped record per route in one job and acknowledges with their locations', async () => {
    const writer = new FakeWriter();
    const envelope = validEnvelope('information-request', { priority: Priority.PRIORITY_URGENT });
    const outcome = await publish(pipeline(writer), envelope);

    expect(writer.jobs).toHaveLength(1);
    const [job] = writer.jobs;
    expect(job!.records.map((r) => r.topic)).toEqual(['t.intel.v1.country.DE']);
    const stored = Envelope.decode(job!.records[0]!.value);
    expect(stored.receipt).toMatchObject({ sender: FR.urn, receivedAt: FIXTURE_NOW });
    expect(stored.receipt?.replyDueAt).toEqual(new Date(FIXTURE_NOW.getTime() + 3000));
    expect(job!.events).toEqual([
      expect.objectContaining({ kind: 'routed', idempotencyKey: `ncb:FR|${envelope.messageId}` }),
    ]);
    expect(outcome).toEqual({
      kind: 'ack',
      ack: expect.objectContaining({
        messageId: envelope.messageId,
        records: [{ topic: 't.intel.v1.country.DE', partition: 0, offset: '0' }],
      }),
    });
  });

  it('lets a concurrent retry of the same id wait for the first attempt instead of writing again', async () => {
    const writer = new FakeWriter();
    const release = writer.holdRoutedWrites();
    const p = pipeline(writer);
    const envelope = validEnvelope('seizure-report');
    const first = publish(p, envelope);
    const retry = publish(p, envelope);
    release();
    const [a, b] = (await Promise.all([first, retry])) as [PublishOutcome, PublishOutcome];
    expect(writer.jobs.filter((j) => j.records.length > 0)).toHaveLength(1);
    expect(a).toMatchObject({ kind: 'ack', ack: { duplicate: false } });
    expect(b).toMatchObject({
      kind: 'ack',
      ack: { duplicate: true, messageId: envelope.messageId },
    });
  });

  it('refuses a retry that changes routing or handling as MESSAGE_ID_REUSED, in flight and from memory', async () => {
    const writer = new FakeWriter();
    const store = new IdempotencyStore(60_000, 100);
    const p = pipeline(writer, store);
    const first = validEnvelope('information-request');
    const otherDestination = {
      ...first,
      destinations: [{ target: { $case: 'country', country: 'IT' } }],
    };
    const otherHandling = {
      ...first,
      handling: { ...first.handling!, code: HandlingCode.HANDLING_CODE_H2 },
    };
    const restricted = { ...first, handling: { ...first.handling!, restrictedTo: ['DE'] } };
    const restamped = { ...first, createdAt: new Date(first.createdAt!.getTime() + 1000) };

    const release = writer.holdRoutedWrites();
    const accepted = publish(p, first);
    // While the first attempt is being written:
    expect(await publish(p, otherDestination as Envelope)).toMatchObject({
      kind: 'refused',
      refusal: { status: 'ALREADY_EXISTS', reason: 'MESSAGE_ID_REUSED' },
    });
    release();
    expect(await accepted).toMatchObject({ kind: 'ack', ack: { duplicate: false } });

    // Once committed (what the idempotency participant does), from memory:
    const routed = writer.jobs.flatMap((j) => j.events).find((e) => e.kind === 'routed');
    if (routed?.kind !== 'routed') throw new Error('no routed event');
    const ack = ((await accepted) as Extract<PublishOutcome, { kind: 'ack' }>).ack;
    store.put(
      routed.idempotencyKey,
      {
        payloadSha256: routed.facts.payloadSha256,
        fingerprint: routed.fingerprint,
        ack,
        acceptedAtMs: FIXTURE_NOW.getTime(),
      },
      FIXTURE_NOW.getTime(),
    );
    for (const changed of [otherDestination, otherHandling, restricted]) {
      expect(await publish(p, changed as Envelope)).toMatchObject({
        kind: 'refused',
        refusal: { reason: 'MESSAGE_ID_REUSED' },
      });
    }
    // A retry stamped anew (only created_at differs) is the same message.
    expect(await publish(p, restamped)).toMatchObject({ kind: 'ack', ack: { duplicate: true } });
  });

  it('answers DEADLINE_EXCEEDED when Kafka does not confirm in time, and UNAVAILABLE when it fails', async () => {
    const slow = new FakeWriter();
    slow.answer = () => new Promise(() => undefined);
    const late = await publish(pipeline(slow), validEnvelope('seizure-report'), Date.now() + 50);
    expect(late).toMatchObject({
      kind: 'refused',
      refusal: { status: 'DEADLINE_EXCEEDED', reason: 'KAFKA_UNAVAILABLE', retryDelayMs: 1000 },
    });

    const down = new FakeWriter();
    down.answer = async () => {
      throw new IntelrouteError('KAFKA_UNAVAILABLE', 'Kafka is unavailable; nothing was written');
    };
    const failed = await publish(pipeline(down), validEnvelope('seizure-report'));
    expect(failed).toMatchObject({
      kind: 'refused',
      refusal: { status: 'UNAVAILABLE', reason: 'KAFKA_UNAVAILABLE' },
    });
  });

  it('refuses at once and writes a dead letter that holds the hash of the payload, not the payload', async () => {
    const writer = new FakeWriter();
    const secret = 'marker-7f3a9c-do-not-leak';
    const envelope = validEnvelope('seizure-report', {
      payload: payloadBytes({ summary: secret }),
    });
    const outcome = await publish(pipeline(writer), envelope);
    expect(outcome).toMatchObject({
      kind: 'refused',
      refusal: { status: 'INVALID_ARGUMENT', reason: 'SCHEMA_VIOLATION' },
    });
    expect(writer.jobs).toHaveLength(1);
    const [record] = writer.jobs[0]!.records;
    expect(record!.topic).toBe('t.intel.v1.deadletter');
    expect(record!.value.toString()).not.toContain(secret);
    expect(JSON.parse(record!.value.toString())).toMatchObject({
      reason: 'SCHEMA_VIOLATION',
      identity: FR.urn,
    });
  });

  it('keys a contact-point update by the country it is about, and refuses another country’s', async () => {
    const writer = new FakeWriter();
    const IT = parseIdentityUrn('urn:intelroute:ncb:IT');
    const own = await pipeline(writer).publish(validEnvelope('contact-point-update'), {
      identity: IT,
      deadlineAtMs: Date.now() + 5000,
      span: span(),
    });
    expect(own.kind).toBe('ack');
    const directory = writer.jobs[0]!.records.find(
      (r) => r.topic === 't.intel.v1.directory.contact-points',
    );
    expect(directory?.key.toString()).toBe('IT');

    const envelope = validEnvelope('contact-point-update');
    const payload = { ...(JSON.parse(envelope.payload.toString()) as object), country: 'DE' };
    const foreign = await pipeline(new FakeWriter()).publish(
      { ...envelope, payload: payloadBytes(payload) },
      { identity: IT, deadlineAtMs: Date.now() + 5000, span: span() },
    );
    expect(foreign).toMatchObject({
      kind: 'refused',
      refusal: { status: 'PERMISSION_DENIED', reason: 'ORIGIN_MISMATCH' },
    });
  });
});
