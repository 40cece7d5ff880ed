import {
  startTestGateway,
  type TestGateway,
  type TestGatewayOptions,
} from '../../helpers/gateway-harness';
import { uniqueName } from '../../helpers/kafka';

export { provisionTestTopics as provisionFaultTopics } from '../../helpers/gateway-harness';
export type { TestClientOptions as FaultClientOptions } from '../../helpers/gateway-harness';

export interface FaultGatewayOptions extends Omit<TestGatewayOptions, 'brokers' | 'signHeads'> {
  /** Where the gateway's Kafka client bootstraps (e.g. a fault proxy). */
  readonly brokers: readonly string[];
}

export type FaultGateway = TestGateway;

/**
 * The gateway harness as fault tests run it: three partitions unless told otherwise, no rate
 * limit (one identity sends thousands of messages a second; the limit is not under test), and
 * unsigned chain heads, as these ledgers were measured (signing is not under test here).
 */
export function startFaultGateway(options: FaultGatewayOptions): Promise<FaultGateway> {
  return startTestGateway({
    ...options,
    partitions: options.partitions ?? 3,
    prefix: options.prefix ?? `${uniqueName('fault')}.`,
    signHeads: false,
    gateway: { rateLimitPerSecond: 1_000_000, rateLimitBurst: 1_000_000, ...options.gateway },
  });
}
