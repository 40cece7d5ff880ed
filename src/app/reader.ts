import type { Writable } from 'node:stream';
import { optionalSigner } from '../audit/writer-keys';
import type { IntelrouteConfig } from '../config';
import {
  FileSink,
  ReaderRuntime,
  readerInstanceId,
  readerSettings,
  readerStream,
  sinkHandler,
  StreamSink,
  WebhookSink,
  type ReaderStream,
  type Sink,
  type StreamSelector,
} from '../services/readers';
import { IntelrouteError } from '../core/errors';
import type { KafkaClient } from '../kafka/kafka-connection';
import type { IntelrouteMetrics } from '../telemetry/intelroute-metrics';
import type { Logger } from '../telemetry/logger';

const INSTANCE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Which reader runs: its stream (topics, group, name) and its instance id. */
export interface ReaderIdentity {
  readonly stream: ReaderStream;
  /** Names the transactional id and the audit chain. */
  readonly instanceId: string;
}

/** What the operator may override of a reader's identity. */
export interface ReaderOverrides {
  /** Consumer group (default: `<prefix>intelroute.reader.<stream>`). */
  readonly group?: string;
  /** Default: `readers.instanceId`, else `<reader>-<host>`. */
  readonly instanceId?: string;
}

/** Where a reader delivers: stdout (JSON lines, the default), a file, or a webhook. */
export interface SinkChoice {
  /** Only `jsonl`. */
  readonly sink?: string;
  readonly out?: string;
  readonly webhook?: string;
}

/** What a reader is built with besides the compiled config. */
export interface ReaderBuildDeps extends ReaderIdentity {
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly sink: Sink;
  readonly metrics?: IntelrouteMetrics;
}

/**
 * The stream and instance id of the reader of `selector`, overrides applied.
 * @throws IntelrouteError READER_OPTIONS_INVALID for a country or instance id not usable.
 */
export function readerIdentity(
  config: IntelrouteConfig,
  selector: StreamSelector,
  overrides: ReaderOverrides,
): ReaderIdentity {
  if (selector.kind === 'country-inbox') checkCountry(selector.country, config);
  if (overrides.instanceId !== undefined && !INSTANCE_ID.test(overrides.instanceId)) {
    throw new IntelrouteError(
      'READER_OPTIONS_INVALID',
      '--instance-id takes 1-100 of [A-Za-z0-9._-]',
    );
  }
  const base = readerStream(selector, config.topics.prefix);
  const stream = overrides.group === undefined ? base : { ...base, group: overrides.group };
  const instanceId =
    overrides.instanceId ?? readerInstanceId(config.readers.instanceId, stream.name);
  return { stream, instanceId };
}

/**
 * The sink a reader delivers to (not opened): a file, a webhook, or JSON lines on `stdout`.
 * @throws IntelrouteError READER_OPTIONS_INVALID for an unknown sink or two sinks at once.
 */
export function chooseSink(
  config: IntelrouteConfig,
  choice: SinkChoice,
  deps: { readonly logger: Logger; readonly stdout: Writable },
): Sink {
  if (choice.sink !== undefined && choice.sink !== 'jsonl') {
    throw new IntelrouteError('READER_OPTIONS_INVALID', `unknown sink "${choice.sink}" (jsonl)`);
  }
  if (choice.out !== undefined && choice.webhook !== undefined) {
    throw new IntelrouteError('READER_OPTIONS_INVALID', 'give either --out or --webhook, not both');
  }
  if (choice.out !== undefined) {
    return new FileSink({
      file: choice.out,
      tailScanBytes: config.readers.fileSinkTailScanBytes,
      logger: deps.logger,
    });
  }
  if (choice.webhook !== undefined) {
    return new WebhookSink({ url: choice.webhook, timeoutMs: config.readers.webhookTimeoutMs });
  }
  return new StreamSink(deps.stdout);
}

/**
 * A reference reader from the compiled config (not started; the caller opens and closes the
 * sink): the reader runtime handing each message to `sink`, its audit heads signed when a key
 * is found.
 */
export function buildReader(config: IntelrouteConfig, deps: ReaderBuildDeps): ReaderRuntime {
  return new ReaderRuntime({
    kafka: deps.kafka,
    logger: deps.logger,
    stream: deps.stream,
    instanceId: deps.instanceId,
    topicPrefix: config.topics.prefix,
    handler: sinkHandler(deps.sink),
    settings: readerSettings(config),
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
    ...optionalSigner(config),
  });
}

function checkCountry(country: string, config: IntelrouteConfig): void {
  if (!config.topics.memberCountries.includes(country)) {
    throw new IntelrouteError(
      'READER_OPTIONS_INVALID',
      `"${country}" is not a member country (ISO 3166-1 alpha-2, upper case, in topics.memberCountries)`,
    );
  }
}
