import type { Command } from 'commander';
import type { IntelrouteConfig } from '../../config';
import { startIntelroute, type RunningIntelroute } from '../../main';
import { startTelemetry } from '../../telemetry/start-telemetry';
import { action, cliContext } from '../cli-context';
import { shutdownSignal, stopWithin } from '../shutdown-signal';

/**
 * `intelroute start` (what `npm start` runs): a local Kafka when KAFKA_BROKERS is unset, the
 * topics, the gateway. `intelroute gateway`: the gateway alone on the configured cluster.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'run everything: a local Kafka when KAFKA_BROKERS is unset, the topics, the gateway',
    )
    .option(
      '--insecure-dev',
      'plaintext gRPC on loopback, identity from a header (development only)',
    )
    .action(
      action(async (options: { insecureDev?: boolean }, command: Command) =>
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
    .action(
      action(async (options: { insecureDev?: boolean }, command: Command) =>
        runInForeground(command, options, 'gateway-only'),
      ),
    );
}

async function runInForeground(
  command: Command,
  options: { insecureDev?: boolean },
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
  let running: RunningIntelroute;
  try {
    running = await startIntelroute({
      config,
      logger,
      env: process.env,
      mode,
      metrics: telemetry.metrics,
    });
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
  const gateway = running.gateway;
  telemetry.setReadiness(() => gateway.ready);
  telemetry.metrics.observeInFlight(() => gateway.inFlight);
  printWhereItListens(running, config, telemetry.metricsPort);
  const onHangUp = (): void => gateway.reload();
  process.on('SIGHUP', onHangUp);
  const signal = await shutdownSignal((again) => logger.warn(`${again}: already stopping`));
  process.off('SIGHUP', onHangUp);
  logger.info({ signal }, 'stopping');
  const grace = config.gateway.shutdownGraceMs + config.telemetry.shutdownTimeoutMs + 60_000;
  await stopWithin(grace, async () => {
    await running.stop();
    await telemetry.shutdown();
  });
  logger.info('stopped');
}

function withFlags(config: IntelrouteConfig, options: { insecureDev?: boolean }): IntelrouteConfig {
  return options.insecureDev === true
    ? { ...config, gateway: { ...config.gateway, insecureDev: true } }
    : config;
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
  if (metricsPort !== null) {
    out(
      `metrics and health: http://${config.telemetry.metricsHost}:${metricsPort}/metrics, /healthz, /readyz`,
    );
  }
  if (running.devCertsDir !== null) {
    out(
      `development certificates: ${running.devCertsDir} (clients/ holds ncb.FR, ncb.DE, secretariat)`,
    );
  }
  out('intelroute is running; press Ctrl-C to stop');
}
