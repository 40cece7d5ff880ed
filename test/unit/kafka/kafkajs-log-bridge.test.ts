import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import {
  kafkajsLevelFor,
  kafkajsLogCreator,
  SETTLING_KAFKA_ERRORS,
} from '../../../src/kafka/kafkajs-log-bridge';
import type { LogLevel } from '../../../src/config';
import { createLogger } from '../../../src/telemetry/logger';

/** Lines a logger at `level` (child component "kafka", as createKafkaClient makes it) writes. */
function bridge(level: LogLevel): {
  lines: string[];
  log: (l: logLevel, message: string, fields?: Record<string, unknown>) => void;
} {
  const lines: string[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  const logger = createLogger(level, sink).child({ component: 'kafka' });
  const write = kafkajsLogCreator(logger)(logLevel.DEBUG);
  return {
    lines,
    log: (l, message, fields = { groupId: 'g' }) =>
      write({
        namespace: 'Consumer',
        level: l,
        label: logLevel[l],
        log: { timestamp: '', logger: 'kafkajs', message, ...fields },
      }),
  };
}

describe('the kafkajs log bridge', () => {
  it('keeps kafkajs warnings and errors, and sends its lifecycle INFO lines to debug', () => {
    const { lines, log } = bridge('info');
    log(logLevel.INFO, 'consumer not running, exiting');
    log(logLevel.WARN, 'broker slow');
    log(logLevel.ERROR, 'Connection error');
    expect(lines.map((line) => JSON.parse(line) as { level: string; msg: string })).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'broker slow' }),
      expect.objectContaining({ level: 'error', msg: 'Connection error' }),
    ]);
    expect(kafkajsLevelFor(createLogger('info'))).toBe(logLevel.WARN);
    expect(kafkajsLevelFor(createLogger('debug'))).toBe(logLevel.DEBUG);
  });

  it('writes each field once (component stays "kafka", the source is logger "kafkajs")', () => {
    const { lines, log } = bridge('debug');
    log(logLevel.INFO, 'Stopped');
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line.match(/"component":/g)).toHaveLength(1);
    expect(JSON.parse(line)).toMatchObject({
      level: 'debug',
      component: 'kafka',
      logger: 'kafkajs',
      groupId: 'g',
      msg: 'Stopped',
    });
  });
});

/** kafkajs's table of Kafka error codes (not in its typings: read as data). */
interface KafkajsErrorCode {
  readonly type: string;
  readonly retriable: boolean;
  readonly message: string;
}
const { errorCodes: KAFKAJS_ERROR_CODES } = jest.requireActual<{
  errorCodes: readonly KafkajsErrorCode[];
}>('kafkajs/src/protocol/error');

/** A connection's line for a response carrying `error` (as kafkajs's connection writes it). */
const response = (api: string, error: string) =>
  [
    logLevel.ERROR,
    `Response ${api}`,
    { broker: '127.0.0.1:9092', clientId: 'intelroute', error, correlationId: 3, size: 55 },
  ] as const;

describe('the kafkajs log bridge on a cluster that is still settling', () => {
  /** The six error lines a clean `npm start` printed before this mapping (2026-12-04). */
  const cleanStartLines = [
    response('Metadata(key: 3, version: 6)', 'This server does not host this topic-partition'),
    ...Array.from({ length: 5 }, () =>
      response('GroupCoordinator(key: 10, version: 2)', 'The group coordinator is not available'),
    ),
  ];

  it('writes none of the clean start’s retried responses at info, and each at debug', () => {
    const atInfo = bridge('info');
    for (const line of cleanStartLines) atInfo.log(...line);
    expect(atInfo.lines).toEqual([]);

    const atDebug = bridge('debug');
    for (const line of cleanStartLines) atDebug.log(...line);
    expect(atDebug.lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual(
      cleanStartLines.map(([, message, { error }]) =>
        expect.objectContaining({ level: 'debug', msg: message, error }),
      ),
    );
  });

  it.each([...SETTLING_KAFKA_ERRORS])(
    'sends a response failing with %s to debug',
    (_type, text) => {
      const { lines, log } = bridge('debug');
      log(...response('Produce(key: 0, version: 7)', text));
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'debug', error: text });
    },
  );

  it('keeps real errors at error: other Kafka errors, and the settling texts outside a response', () => {
    const { lines, log } = bridge('info');
    log(
      ...response(
        'Metadata(key: 3, version: 6)',
        'Not authorized to access topics: [Topic authorization failed]',
      ),
    );
    log(...response('CreateTopics(key: 19, version: 3)', 'Replication-factor is invalid'));
    log(logLevel.ERROR, 'Crash: KafkaJSProtocolError: The group coordinator is not available', {
      error: 'The group coordinator is not available',
    });
    log(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:1', {});
    expect(lines.map((line) => (JSON.parse(line) as { level: string }).level)).toEqual([
      'error',
      'error',
      'error',
      'error',
    ]);
  });

  it('names each settling error as kafkajs does, and only errors Kafka marks retriable', () => {
    for (const [type, text] of SETTLING_KAFKA_ERRORS) {
      expect(KAFKAJS_ERROR_CODES.find((code) => code.type === type)).toEqual(
        expect.objectContaining({ type, message: text, retriable: true }),
      );
    }
  });
});
