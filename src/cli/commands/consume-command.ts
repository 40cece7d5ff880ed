import type { Command } from 'commander';
import { buildReader, chooseSink, readerIdentity } from '../../app/reader';
import type { IntelrouteConfig } from '../../config';
import {
  StreamSink,
  type ReaderStream,
  type Sink,
  type StreamSelector,
} from '../../services/readers';
import { IntelrouteError } from '../../core/errors';
import { createKafkaClient } from '../../kafka/kafka-client';
import { KafkaLiveness } from '../../kafka/kafka-liveness';
import { startTelemetry } from '../../telemetry/start-telemetry';
import { action, cliContext, requireBrokers } from '../cli-context';
import { runUntilStopped } from '../long-running';
import { registerDirectoryCommands } from './directory-command';

interface ConsumeOptions {
  readonly group?: string;
  readonly sink?: string;
  readonly out?: string;
  readonly webhook?: string;
  readonly instanceId?: string;
}

/**
 * `intelroute consume country <CC> | secretariat | working-group`: the reference readers, and
 * `intelroute directory show [CC]`.
 */
export function registerConsumeCommands(program: Command): void {
  const consume = program
    .command('consume')
    .description('run a reference reader: each message once, in order per case, audited');
  withReaderOptions(
    consume
      .command('country')
      .description("read a country's inbox and the broadcast topic")
      .argument('<CC>', 'the member country (ISO 3166-1 alpha-2)'),
  ).action(
    action((country: string, options: ConsumeOptions, command: Command) =>
      runReader({ kind: 'country-inbox', country }, options, command),
    ),
  );
  for (const kind of ['secretariat', 'working-group'] as const) {
    withReaderOptions(consume.command(kind).description(`read the ${kind} stream`)).action(
      action((options: ConsumeOptions, command: Command) => runReader({ kind }, options, command)),
    );
  }
  registerDirectoryCommands(program);
}

function withReaderOptions(command: Command): Command {
  return command
    .option('--group <group>', 'consumer group (default: intelroute.reader.<stream>)')
    .option('--sink <kind>', 'jsonl: one JSON line per message on stdout', 'jsonl')
    .option('--out <file>', 'append JSON lines to this file (fsynced, idempotent) instead')
    .option('--webhook <url>', 'POST each message to this URL (Idempotency-Key) instead')
    .option('--instance-id <id>', 'transactional id and audit chain (default: <reader>-<host>)');
}

async function runReader(
  selector: StreamSelector,
  options: ConsumeOptions,
  command: Command,
): Promise<void> {
  const { config, logger } = cliContext(command);
  const { stream, instanceId } = readerIdentity(config, selector, options);
  const sink = chooseSink(config, options, { logger, stdout: process.stdout });
  requireBrokers(config); // fail before anything starts
  // Telemetry first: its SDK must be in place before the first span.
  const telemetry = await startTelemetry({
    serviceName: 'intelroute-reader',
    instanceId,
    config: config.telemetry,
    logger,
    env: process.env,
  });
  const kafka = createKafkaClient({ ...config.kafka, brokers: requireBrokers(config), logger });
  const runtime = buildReader(config, {
    kafka,
    logger,
    stream,
    instanceId,
    sink,
    metrics: telemetry.metrics,
  });
  const liveness = new KafkaLiveness({ kafka, logger });
  const end = await runUntilStopped({
    name: 'reader',
    logger,
    graceMs: config.readers.shutdownGraceMs + config.telemetry.shutdownTimeoutMs,
    start: async () => {
      await sink.open();
      await runtime.start();
      liveness.start();
      telemetry.setReadiness(() => runtime.state === 'running' && liveness.alive);
    },
    stop: async () => {
      await liveness.stop();
      await runtime.stop();
      await sink.close();
      await telemetry.shutdown();
    },
    failure: runtime
      .whenStopped()
      .then((state) =>
        state === 'failed' ? 'its Kafka consumer failed' : new Promise<string>(() => undefined),
      ),
    onReady: () => printReady(stream, sink, config, telemetry.metricsPort),
  });
  if (end.kind === 'failed') {
    throw new IntelrouteError('KAFKA_UNAVAILABLE', `the reader stopped: ${end.reason}`);
  }
}

/** The ready line, when stdout is not the sink (the JSON lines then own it). */
function printReady(
  stream: ReaderStream,
  sink: Sink,
  config: IntelrouteConfig,
  port: number | null,
): void {
  if (sink instanceof StreamSink) return;
  const topics = stream.topics.join(', ');
  const metrics =
    port === null ? '' : `; metrics http://${config.telemetry.metricsHost}:${port}/metrics`;
  process.stdout.write(
    `reader ${stream.group} ready: ${topics} -> ${sink.description}${metrics}\n`,
  );
}
