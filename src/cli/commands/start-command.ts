import type { Command } from 'commander';
import type { IntelrouteConfig } from '../../config';
import { startIntelroute, type RunningIntelroute } from '../../app/intelroute';
import { startTelemetry } from '../../telemetry/start-telemetry';
import { action, cliContext } from '../cli-context';
import { IntelrouteError } from '../../core/errors';
import { environmentHelp } from '../environment-help';
import { runUntilStopped } from '../long-running';
import { EPHEMERAL_HELP, localKafkaOf } from './kafka-command';

/**
 * `intelroute start` (what `npm start` runs): a local Kafka when KAFKA_BROKERS is unset, the
 * topics, the gateway, the link detector and the request ledger. `intelroute gateway`: the
 * gateway alone on the configured cluster.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run everything: a local Kafka when KAFKA_BROKERS is unset, the topics, the gateway, the link detector and the request ledger',
    )
    .option(
      '--insecure-dev',
      'plaintext gRPC on loopback, identity from a header (development only)',
    )
    .option('--ephemeral', EPHEMERAL_HELP)
    .addHelpText('after', environmentHelp())
    .action(
      action(async (options: StartOptions, command: Command) =>
        runInForeground(command, options, 'all-in-one'),
      ),
    );
  program
    .command('gateway')
    .description('run the gateway on the configured Kafka cluster (KAFKA_BROKERS)')
    .option(
      '--insecure-dev',
      'plaintext gRPC on loopback, identity from a header (development only)',
    )
    .addHelpText('after', environmentHelp())
    .action(
      action(async (options: { insecureDev?: boolean }, command: Command) =>
        runInForeground(command, options, 'gateway-only'),
      ),
    );
}

async function runInForeground(
  command: Command,
  options: StartOptions,
  mode: 'all-in-one' | 'gateway-only',
): Promise<void> {
  const context = cliContext(command);
  const config = withFlags(context.config, options);
  const { logger } = context;
  // Telemetry first (its SDK must be in place before anything creates spans), stopped last.
  const telemetry = await startTelemetry({
    serviceName: 'intelroute-gateway',
    ...(config.gateway.instanceId === null ? {} : { instanceId: config.gateway.instanceId }),
    config: config.telemetry,
    logger,
    env: process.env,
  });
  let running: RunningIntelroute | undefined;
  let failed: (reason: string) => void = () => undefined;
  const failure = new Promise<string>((resolve) => (failed = resolve));
  const onHangUp = (): void => {
    running?.gateway.reload();
    running?.reloadConsoleTls();
  };
  const end = await runUntilStopped({
    name: 'intelroute',
    logger,
    graceMs: config.gateway.shutdownGraceMs + config.telemetry.shutdownTimeoutMs + 60_000,
    start: async () => {
      running = await startIntelroute({
        config,
        logger,
        env: process.env,
        mode,
        metrics: telemetry.metrics,
      });
      const { gateway, localKafka } = running;
      const started = running;
      telemetry.setReadiness(() => started.ready());
      void running.serviceFailure.then(failed);
      telemetry.metrics.observeInFlight(() => gateway.inFlight);
      localKafka?.onNodeCrash(({ nodeId, code, signal, logFile }) => {
        const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
        logger.error({ nodeId, code, signal, logFile }, 'the local Kafka broker died');
        failed(`the local Kafka broker (node ${nodeId}) died (${how}); its log: ${logFile}`);
      });
      process.on('SIGHUP', onHangUp);
    },
    stop: async () => {
      process.off('SIGHUP', onHangUp);
      await running?.stop();
      await telemetry.shutdown();
    },
    failure,
    onReady: () => printWhereItListens(running!, config, telemetry.metricsPort),
  });
  if (end.kind === 'failed') {
    throw new IntelrouteError('KAFKA_UNAVAILABLE', `intelroute stopped: ${end.reason}`);
  }
  logger.info('stopped');
}

interface StartOptions {
  readonly insecureDev?: boolean;
  readonly ephemeral?: boolean;
}

function withFlags(config: IntelrouteConfig, options: StartOptions): IntelrouteConfig {
  return {
    ...config,
    localKafka: localKafkaOf(config, options.ephemeral),
    gateway: {
      ...config.gateway,
      insecureDev: options.insecureDev === true || config.gateway.insecureDev,
    },
  };
}

function printWhereItListens(
  running: RunningIntelroute,
  config: IntelrouteConfig,
  metricsPort: number | null,
): void {
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(`KAFKA_BROKERS=${running.brokers.join(',')}`);
  for (const node of running.localKafka?.nodes() ?? [])
    out(`kafka node ${node.nodeId} log: ${node.logFile}`);
  out(
    `gateway: ${config.gateway.host}:${running.gateway.port} (${config.gateway.insecureDev ? 'PLAINTEXT, development only' : 'mTLS'})`,
  );
  for (const service of running.services) {
    out(`${service.name}: ${service.started ? 'running' : `not started (${service.why})`}`);
  }
  if (running.consoleUrl !== null) out(`ops console: ${running.consoleUrl}`);
  if (metricsPort !== null) {
    out(
      `metrics and health: http://${config.telemetry.metricsHost}:${metricsPort}/metrics, /healthz, /readyz`,
    );
  }
  if (running.devCertsDir !== null) {
    out(
      `development certificates: ${running.devCertsDir} (clients/ holds ncb.FR, ncb.DE, secretariat, ops.dev)`,
    );
  }
  out('intelroute is running; press Ctrl-C to stop');
}
