import { createServer } from 'node:net';
import { variableOf, type IntelrouteConfig } from '../config';
import { IntelrouteError, isIntelrouteError } from '../core/errors';
import { checkBrokersReachable } from '../kafka/kafka-client';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Fails at once when the gateway's port (or the ops console's, when `start` serves it) is taken,
 * instead of after the local Kafka, the topics and the gateway's Kafka writer have started
 * (12.7 s on the first machine that met it). The port is bound and released again; whatever
 * takes it in between is still caught by the server's own bind. Port 0 (any free port) is not
 * checked.
 * @throws IntelrouteError CONFIG_INVALID naming the address and the variable that sets the port
 */
export async function checkPortsFree(
  config: IntelrouteConfig,
  env: Env,
  options: { readonly console: boolean },
): Promise<void> {
  await checkPortFree("the gateway's", config.gateway, 'gateway.port', env);
  if (options.console) {
    await checkPortFree("the ops console's", config.console, 'console.port', env);
  }
}

async function checkPortFree(
  whose: string,
  { host, port }: { readonly host: string; readonly port: number },
  key: string,
  env: Env,
): Promise<void> {
  if (port === 0) return;
  const problem = await bindProblem(host, port);
  if (problem === undefined) return;
  const variable = variableOf(key);
  const origin = isSet(env[variable]) ? ` (${variable}=${port})` : '';
  const inUse = problem === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${problem})`;
  throw new IntelrouteError(
    'CONFIG_INVALID',
    `${whose} port ${port} on ${host} ${inUse}${origin}: stop what holds it, or choose ` +
      `another with ${variable} or ${key} in the config file (0 takes any free port)`,
  );
}

/** The error code of binding host:port, or undefined when it could be bound. */
function bindProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Fails at once, with one line, when no configured broker accepts a connection: kafkajs alone
 * ends with a bare "KafkaJSNonRetriableError", its stack and 12 error lines that never say
 * where the addresses came from.
 * @throws IntelrouteError KAFKA_UNAVAILABLE naming the brokers tried and the variable (or config
 *   key) they came from; what checkBrokersReachable throws otherwise
 */
export async function checkKafkaReachable(
  config: IntelrouteConfig,
  brokers: readonly string[],
  env: Env,
): Promise<void> {
  try {
    await checkBrokersReachable({ ...config.kafka, brokers });
  } catch (error) {
    if (!isIntelrouteError(error, 'KAFKA_UNAVAILABLE')) throw error;
    const variable = variableOf('kafka.brokers');
    const origin = isSet(env[variable]) ? variable : 'kafka.brokers in the config file';
    const { brokers: tried, reason, seconds } = error.details as Record<string, string>;
    throw new IntelrouteError(
      'KAFKA_UNAVAILABLE',
      `cannot connect to Kafka at ${tried} (${origin}): ${reason}, gave up after ${seconds} s; ` +
        `check that the brokers run and are reachable from here, or correct ${variable}`,
      { cause: error },
    );
  }
}

function isSet(text: string | undefined): boolean {
  return text !== undefined && text.trim() !== '';
}
