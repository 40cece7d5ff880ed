/**
 * The load generator: one SDK client (one TLS connection) per sending NCB, each with a few
 * PublishStreams, driven closed-loop (as fast as the streams' windows allow) or open-loop (sends
 * scheduled at fixed times whatever the acks do, so queueing shows in the latencies).
 */
import { performance } from 'node:perf_hooks';
import { createGatewayClient, type GatewayClient, type PublishStream } from '../../src/client';
import type { BenchCertificates } from './certs';
import { benchEnvelope } from './messages';

export interface PublisherOptions {
  readonly address: string;
  readonly certs: BenchCertificates;
  readonly streamsPerSender: number;
  /** Unacknowledged messages per stream (the SDK's window). */
  readonly maxInFlight: number;
}

interface SenderStream {
  readonly sender: string;
  readonly stream: PublishStream;
}

export class Publishers {
  private constructor(
    private readonly clients: readonly GatewayClient[],
    readonly streams: readonly SenderStream[],
  ) {}

  static open(options: PublisherOptions): Publishers {
    const clients: GatewayClient[] = [];
    const streams: SenderStream[] = [];
    for (const [sender, files] of options.certs.clients) {
      const client = createGatewayClient({
        address: options.address,
        tls: { ...files, serverName: 'localhost' },
        retry: false,
      });
      clients.push(client);
      for (let i = 0; i < options.streamsPerSender; i += 1) {
        streams.push({
          sender,
          stream: client.openPublishStream({ maxInFlight: options.maxInFlight }),
        });
      }
    }
    return new Publishers(clients, streams);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.streams.map(({ stream }) => stream.end()));
    this.clients.forEach((client) => client.close());
  }
}

export interface ClosedLoopResult {
  readonly acked: number;
  readonly refused: number;
  readonly seconds: number;
  readonly msgsPerSec: number;
  /** First refusal's text, if any. */
  readonly firstRefusal?: string;
}

/**
 * Sends `count` messages over every stream, each stream as fast as its window allows; resolves
 * when every message is answered (or `timeoutMs` passed: what was answered counts).
 */
export async function closedLoop(
  publishers: Publishers,
  payload: Buffer,
  count: number,
  timeoutMs: number,
): Promise<ClosedLoopResult> {
  let next = 0;
  let acked = 0;
  let refused = 0;
  let firstRefusal: string | undefined;
  const start = performance.now();
  const deadline = start + timeoutMs;
  const onAck = (): void => {
    acked += 1;
  };
  const onRefused = (error: unknown): void => {
    refused += 1;
    firstRefusal ??= error instanceof Error ? error.message : String(error);
  };
  const drive = async ({ sender, stream }: SenderStream): Promise<void> => {
    const sends: Promise<void>[] = [];
    while (next < count && performance.now() < deadline) {
      next += 1;
      await stream.ready();
      sends.push(stream.send(benchEnvelope(sender, payload)).then(onAck, onRefused));
    }
    await Promise.all(sends);
  };
  await Promise.race([
    Promise.all(publishers.streams.map(drive)),
    new Promise((resolve) => setTimeout(resolve, timeoutMs + 5000).unref()),
  ]);
  const seconds = (performance.now() - start) / 1000;
  return {
    acked,
    refused,
    seconds,
    msgsPerSec: Math.round(acked / seconds),
    ...(firstRefusal ? { firstRefusal } : {}),
  };
}

export interface OpenLoopOptions {
  readonly ratePerSec: number;
  readonly durationMs: number;
  /** Latencies of messages scheduled in this first stretch are not kept. */
  readonly warmupMs: number;
  /** Called for each kept message with its id and scheduled time (performance.now() ms). */
  readonly onScheduled?: (messageId: string, scheduledAtMs: number) => void;
}

export interface OpenLoopResult {
  readonly offeredPerSec: number;
  readonly sent: number;
  readonly acked: number;
  readonly refused: number;
  /** Publish→ack of the kept messages, measured from their scheduled send time. */
  readonly latenciesMs: number[];
  /** Acks per second over the measured stretch. */
  readonly achievedPerSec: number;
  /** Most the generator fell behind its schedule (a busy generator shows here), ms. */
  readonly maxScheduleLagMs: number;
}

/**
 * Sends at `ratePerSec`, message i at start + i/rate, round-robin over the streams, whatever
 * the acks do; latency is ack time minus scheduled time (so a stalled sender counts too).
 */
export async function openLoop(
  publishers: Publishers,
  payload: Buffer,
  options: OpenLoopOptions,
): Promise<OpenLoopResult> {
  const streams = publishers.streams;
  const total = Math.round((options.ratePerSec * options.durationMs) / 1000);
  const intervalMs = 1000 / options.ratePerSec;
  const latenciesMs: number[] = [];
  const pending: Promise<void>[] = [];
  let acked = 0;
  let refused = 0;
  let sent = 0;
  let maxScheduleLagMs = 0;
  const start = performance.now();
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
    for (; sent < due; sent += 1) {
      const scheduledAtMs = start + sent * intervalMs;
      maxScheduleLagMs = Math.max(maxScheduleLagMs, now - scheduledAtMs);
      const keep = scheduledAtMs - start >= options.warmupMs;
      const { sender, stream } = streams[sent % streams.length] as SenderStream;
      const envelope = benchEnvelope(sender, payload);
      if (keep) options.onScheduled?.(envelope.messageId, scheduledAtMs);
      pending.push(
        stream.send(envelope).then(
          () => {
            acked += 1;
            if (keep) latenciesMs.push(performance.now() - scheduledAtMs);
          },
          () => {
            refused += 1;
          },
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  const measuredSeconds = (options.durationMs - options.warmupMs) / 1000;
  return {
    offeredPerSec: options.ratePerSec,
    sent,
    acked,
    refused,
    latenciesMs,
    achievedPerSec: Math.round(latenciesMs.length / measuredSeconds),
    maxScheduleLagMs: Math.round(maxScheduleLagMs),
  };
}
