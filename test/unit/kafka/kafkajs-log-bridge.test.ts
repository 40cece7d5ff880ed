import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { kafkajsLevelFor, kafkajsLogCreator } from '../../../src/kafka/kafkajs-log-bridge';
import type { LogLevel } from '../../../src/config';
import { createLogger } from '../../../src/telemetry/logger';

/** Lines a logger at `level` (child component "kafka", as createKafkaClient makes it) writes. */
function bridge(level: LogLevel): { lines: string[]; log: (l: logLevel, message: string) => void } {
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
    log: (l, message) =>
      write({
        namespace: 'Consumer',
        level: l,
        label: logLevel[l],
        log: { timestamp: '', logger: 'kafkajs', message, groupId: 'g' },
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
