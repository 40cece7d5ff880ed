/**
 * The gateway's core alone, on one core: PublishPipeline (validation, authorisation,
 * idempotency, routing, record encoding, spans, metrics) and the transaction participants (audit
 * chain, idempotency record) as the writer runs them, with Kafka replaced by a writer that lands
 * every batch at once. What is left of the gateway's CPU per message is gRPC/TLS, protobuf
 * decoding of the request and kafkajs. Run under three telemetry set-ups, since spans and the
 * async context manager are paid on every message:
 *
 *   npx tsx bench/pipeline-bench.ts [messages=40000]
 *
 * `npm run bench` runs the default set-up alone in a child (`measureCoreInChild`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { AuditParticipant, auditTopicsFor, startChain } from '../src/audit';
import { loadPublishPolicy, EMPTY_GRANTS } from '../src/core/authorization';
import { loadRuleSet } from '../src/core/routing';
import { loadSchemaRegistry } from '../src/core/validation';
import { gatewayAuditFields } from '../src/gateway/gateway-audit';
import type { GatewayEvent } from '../src/gateway/gateway-events';
import { IdempotencyParticipant } from '../src/gateway/idempotency-participant';
import { IdempotencyStore } from '../src/gateway/idempotency-store';
import { PublishPipeline } from '../src/gateway/publish-pipeline';
import { parseIdentityUrn } from '../src/identity';
import type {
  LandedJob,
  RecordLocation,
  TransactionParticipant,
  WriteJob,
} from '../src/kafka/transactional-writer';
import { gatewayReceiveSpan, silentLogger } from '../src/telemetry';
import { startTelemetry } from '../src/telemetry/start-telemetry';
import { childResult } from './lib/child-result';
import {
  BENCH_MEMBERS,
  BENCH_SENDERS,
  PROJECT_DIR,
  benchEnvelope,
  ncbUrn,
  vendorReportPayload,
} from './lib/messages';

/** Lands each batch of jobs queued in one turn, running the participants as the writer does. */
class LandingWriter {
  private queued: Array<{ job: WriteJob<GatewayEvent>; resolve: (l: RecordLocation[]) => void }> =
    [];
  private offset = 0;
  constructor(private readonly participants: readonly TransactionParticipant<GatewayEvent>[]) {}

  write(job: WriteJob<GatewayEvent>): Promise<RecordLocation[]> {
    return new Promise((resolve) => {
      if (this.queued.push({ job, resolve }) === 1) setImmediate(() => this.land());
    });
  }

  private land(): void {
    const batch = this.queued;
    this.queued = [];
    const landed: LandedJob<GatewayEvent>[] = batch.map(({ job }) => ({
      job,
      locations: job.records.map((r) => ({
        topic: r.topic,
        partition: 0,
        offset: String((this.offset += 1)),
      })),
    }));
    for (const participant of this.participants) participant.prepare(landed);
    for (const participant of this.participants) participant.committed();
    batch.forEach(({ resolve }, i) => resolve([...(landed[i]?.locations ?? [])]));
  }
}

function newPipeline(): PublishPipeline {
  const read = (file: string): string => readFileSync(path.join(PROJECT_DIR, file), 'utf8');
  const prefix = 'bench.';
  const store = new IdempotencyStore(3_600_000, 250_000);
  const participants = [
    new AuditParticipant(startChain('bench'), auditTopicsFor(prefix), gatewayAuditFields),
    new IdempotencyParticipant(store, `${prefix}intel.v1.idempotency`, prefix),
  ];
  return new PublishPipeline({
    registry: loadSchemaRegistry({ schemasDir: path.join(PROJECT_DIR, 'schemas') }),
    policy: loadPublishPolicy(read('config/policy.yaml')),
    rules: (
      (rules) => () =>
        rules
    )(loadRuleSet(read('config/routing.yaml'))),
    grants: () => EMPTY_GRANTS,
    memberCountries: new Set(BENCH_MEMBERS),
    writer: new LandingWriter(participants),
    store,
    logger: silentLogger(),
    now: Date.now,
    settings: {
      topicPrefix: prefix,
      instanceId: 'bench',
      maxPayloadBytes: 1_048_576,
      maxFutureSkewMs: 300_000,
      replyDeadlinesMs: { routine: 1000, high: 2000, urgent: 3000, immediate: 4000 },
    },
  });
}

/** CPU µs per message over `count` messages, `window` in flight at a time. */
async function run(count: number, window = 256): Promise<number> {
  const pipeline = newPipeline();
  const payload = vendorReportPayload(1000);
  const identities = BENCH_SENDERS.map((c) => parseIdentityUrn(ncbUrn(c)));
  const publishOne = async (i: number): Promise<void> => {
    const sender = BENCH_SENDERS[i % BENCH_SENDERS.length] as string;
    const span = gatewayReceiveSpan({ method: 'PublishStream' });
    const outcome = await span.run(() =>
      pipeline.publish(benchEnvelope(sender, payload), {
        identity: identities[i % identities.length]!,
        deadlineAtMs: Date.now() + 30_000,
        span,
      }),
    );
    span.end();
    if (outcome.kind !== 'ack') throw new Error(`refused: ${outcome.refusal.message}`);
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await publishOne((next += 1));
  };
  const warm = Math.min(5000, count / 4);
  for (let i = 0; i < warm; i++) await publishOne(i);
  next = 0;
  const started = process.cpuUsage();
  await Promise.all(Array.from({ length: window }, lane));
  const used = process.cpuUsage(started);
  return (used.user + used.system) / count;
}

/** The telemetry set-up of a gateway with nothing configured: the SDK, nothing exported. */
const IDLE_TELEMETRY = {
  serviceName: 'bench',
  config: {
    serviceName: null,
    metricsHost: '127.0.0.1',
    metricsPort: null,
    shutdownTimeoutMs: 2000,
  },
  logger: silentLogger(),
  env: {},
};

/** CPU µs per message of the core as a gateway with nothing configured runs it. */
async function coreAsDeployed(count: number): Promise<number> {
  const idle = await startTelemetry(IDLE_TELEMETRY);
  try {
    return await run(count);
  } finally {
    await idle.shutdown();
  }
}

/**
 * The core's CPU per 1 KB message, measured in a child process (a fresh heap, and no telemetry
 * SDK registered in the bench's own process): the part of the gateway's CPU that is neither
 * gRPC/TLS nor Kafka.
 */
export function measureCoreInChild(count = 20_000): number {
  return childResult<{ cpuUsPerMessage: number }>(__filename, [String(count), '--json'])
    .cpuUsPerMessage;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 40_000);
  if (process.argv[3] === '--json') {
    const cpuUsPerMessage = Math.round((await coreAsDeployed(count)) * 10) / 10;
    process.stdout.write(`${JSON.stringify({ cpuUsPerMessage })}\n`);
    return;
  }
  const report = (name: string, us: number): void => {
    process.stdout.write(`${name.padEnd(40)} ${us.toFixed(1)} us CPU per message\n`);
  };
  report('no telemetry SDK', await run(count));
  report('SDK, nothing exported (the default)', await coreAsDeployed(count));
  const exporter = new InMemorySpanExporter();
  const recording = await startTelemetry({ ...IDLE_TELEMETRY, spanExporter: exporter });
  report('SDK, spans exported', await run(count));
  await recording.shutdown();
}

if (require.main === module) {
  void main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
