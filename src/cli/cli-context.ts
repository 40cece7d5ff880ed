import type { Command } from 'commander';
import { loadConfig, type IntelrouteConfig } from '../config';
import { openKafkaConnection, type KafkaConnection } from '../kafka/kafka-connection';
import { IntelrouteError, isIntelrouteError } from '../core/errors';
import { createKafkaClient } from '../kafka/kafka-client';
import { checkKafkaReachable } from '../app/startup-checks';
import { createLogger, type Logger } from '../telemetry/logger';

/** What every command action gets: the config (parsed once) and the process logger. */
export interface CliContext {
  readonly config: IntelrouteConfig;
  readonly logger: Logger;
}

/** Loads the config named by the global `--config` option (or INTELROUTE_CONFIG). */
export function cliContext(command: Command): CliContext {
  const { config: file } = command.optsWithGlobals<{ config?: string }>();
  const config = loadConfig({
    env: process.env,
    ...(file === undefined ? {} : { file, fileNamedBy: '--config' }),
  });
  return { config, logger: createLogger(config.logLevel) };
}

/**
 * Wraps a command action: an IntelrouteError is printed as one clear message on stderr with a
 * non-zero exit code, anything else with its stack (it is a bug).
 */
export function action<A extends unknown[]>(
  run: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      process.exitCode = 1;
      if (isIntelrouteError(error)) {
        process.stderr.write(`intelroute: ${error.message} [${error.code}]\n`);
      } else {
        process.stderr.write(`intelroute: unexpected error: ${describe(error)}\n`);
      }
    }
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The configured brokers. @throws IntelrouteError CONFIG_INVALID when none is configured. */
export function requireBrokers(config: IntelrouteConfig): string[] {
  if (config.kafka.brokers === null) {
    throw new IntelrouteError(
      'CONFIG_INVALID',
      'no Kafka cluster configured: set KAFKA_BROKERS (for a local one run `intelroute kafka start`)',
    );
  }
  return [...config.kafka.brokers];
}

/** Runs `work` with a Kafka client and a connected admin on the configured cluster. */
export async function withKafka<T>(
  config: IntelrouteConfig,
  logger: Logger,
  work: (connection: KafkaConnection) => Promise<T>,
): Promise<T> {
  const brokers = requireBrokers(config);
  // One clear line when no broker answers, rather than kafkajs's error lines and a stack.
  await checkKafkaReachable(config, brokers, process.env);
  const kafka = createKafkaClient({ ...config.kafka, brokers, logger });
  const connection = await openKafkaConnection(kafka);
  try {
    return await work({ kafka, admin: connection.admin });
  } finally {
    await connection.close();
  }
}
