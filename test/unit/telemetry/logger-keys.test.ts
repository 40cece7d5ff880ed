import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { kafkajsLogCreator } from '../../../src/kafka/kafkajs-log-bridge';
import { createLogger, type Logger } from '../../../src/telemetry/logger';

/**
 * The keys that appear more than once in one object of a JSON text. JSON.parse cannot tell
 * (it keeps the last value), so the text is scanned: strings are skipped whole, and the first
 * string after `{` or after a `,` inside an object is a key.
 */
function duplicateKeys(json: string): string[] {
  const objects: Array<Set<string> | null> = []; // null: an array
  const duplicates: string[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i += 1) {
    const char = json[i];
    if (char === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = json.slice(i + 1, end);
        const keys = objects.at(-1)!;
        if (keys.has(key)) duplicates.push(key);
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (char === '{') {
      objects.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      objects.push(null);
    } else if (char === '}' || char === ']') {
      objects.pop();
    } else if (char === ',') {
      expectKey = objects.at(-1) instanceof Set;
    }
  }
  return duplicates;
}

/** A logger writing into an array of lines. */
function capture(level: 'info' | 'debug' = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

describe('the key scanner of these tests', () => {
  it('finds a repeated key, and only within one object', () => {
    expect(duplicateKeys('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}],"d":"\\"a\\":"}')).toEqual([]);
    expect(duplicateKeys('{"component":"x","level":"info","component":"y"}')).toEqual([
      'component',
    ]);
  });
});

describe('log lines write each key once', () => {
  it('gives nested components one `component`, the path of the parts that wrote the line', () => {
    // The chain that wrote `"component"` three times: the gateway, its subscriptions, their writer.
    const { logger, lines } = capture();
    const writer = logger
      .child({ component: 'gateway' })
      .child({ component: 'subscriptions' })
      .child({ component: 'reader-writer', transactionalId: 't-1' });
    writer.info({ lanes: 2 }, 'Kafka writer ready');
    expect(lines).toHaveLength(1);
    expect(duplicateKeys(lines[0]!)).toEqual([]);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      service: 'intelroute',
      component: 'gateway.subscriptions.reader-writer',
      transactionalId: 't-1',
      lanes: 2,
      msg: 'Kafka writer ready',
    });
  });

  it('lets a key bound again replace the parent’s, and a field of the call replace both', () => {
    const { logger, lines } = capture();
    const state = logger.child({ component: 'link-index', group: 'g-1' });
    state.child({ group: 'g-2' }).info('rebound');
    state.info({ group: 'g-3', component: 'topics', service: 'link detector' }, 'in the call');
    for (const line of lines) expect(duplicateKeys(line)).toEqual([]);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ component: 'link-index', group: 'g-2' }),
      expect.objectContaining({ component: 'topics', group: 'g-3', service: 'link detector' }),
    ]);
  });

  it('keeps a parent’s fields out of its siblings and children’s lines it did not bind', () => {
    const { logger, lines } = capture();
    const gateway = logger.child({ component: 'gateway' });
    gateway.child({ part: 'connections' }).info('one');
    gateway.info('two');
    logger.info('three');
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ component: 'gateway', part: 'connections' }),
      expect.not.objectContaining({ part: expect.anything() }),
      expect.not.objectContaining({ component: expect.anything() }),
    ]);
  });

  it('still redacts secrets bound in a child', () => {
    const { logger, lines } = capture();
    logger.child({ component: 'x', token: 'T-1' }).info('bound secret');
    expect(lines[0]).not.toContain('T-1');
    expect(JSON.parse(lines[0]!)).toMatchObject({ token: '[redacted]' });
  });

  it('writes kafkajs lines (which carry their own `logger` and `timestamp`) with each key once', () => {
    const { logger, lines } = capture('debug');
    const kafka = logger.child({ component: 'gateway' }).child({ component: 'kafka' });
    kafkajsLogCreator(kafka)(logLevel.DEBUG)({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: 't', logger: 'kafkajs', message: 'Response Metadata', error: 'x' },
    });
    expect(duplicateKeys(lines[0]!)).toEqual([]);
    expect(JSON.parse(lines[0]!)).toMatchObject({ component: 'gateway.kafka', logger: 'kafkajs' });
  });
});
