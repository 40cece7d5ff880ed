/** Command-line options of `npm run bench` (after `--`). */
export interface BenchOptions {
  /** Messages of the 1 KB throughput runs (8 KB runs send a quarter). */
  readonly messages: number;
  readonly soak: boolean;
  readonly soakMinutes: number;
  readonly profile: boolean;
  /** Seconds of each open-loop latency run (the first 3 s are warm-up, not kept). */
  readonly latencySeconds: number;
  /** A smoke run: a tenth of the messages, short latency runs. */
  readonly quick: boolean;
  /** Alternating baseline/gateway rounds per payload size (the ratio is their median). */
  readonly rounds: number;
}

export const USAGE = `usage: npm run bench -- [--soak] [--soak-minutes N] [--no-profile] [--messages N]
                        [--rounds N] [--latency-seconds N] [--quick]
  KAFKA_BROKERS=host:port  use this cluster instead of starting a local broker`;

/** @throws RangeError naming the bad argument. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let messages = 40_000;
  let soak = false;
  let soakMinutes = 10;
  let profile = true;
  let latencySeconds = 20;
  let quick = false;
  let rounds = 3;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const number = (): number => {
      const value = Number(argv[(i += 1)]);
      if (!Number.isFinite(value) || value <= 0)
        throw new RangeError(`${arg} needs a positive number`);
      return value;
    };
    switch (arg) {
      case '--soak':
        soak = true;
        break;
      case '--soak-minutes':
        soak = true;
        soakMinutes = number();
        break;
      case '--no-profile':
        profile = false;
        break;
      case '--messages':
        messages = Math.round(number());
        break;
      case '--latency-seconds':
        latencySeconds = number();
        break;
      case '--rounds':
        rounds = Math.round(number());
        break;
      case '--quick':
        quick = true;
        break;
      default:
        throw new RangeError(`unknown argument ${arg}\n${USAGE}`);
    }
  }
  if (quick) {
    messages = Math.min(messages, 4000);
    latencySeconds = Math.min(latencySeconds, 8);
  }
  return { messages, soak, soakMinutes, profile, latencySeconds, quick, rounds };
}
