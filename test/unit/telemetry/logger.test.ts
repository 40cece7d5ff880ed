import { Writable } from 'node:stream';
import { gatewayReceiveSpan } from '../../../src/telemetry/gateway-spans';
import { createLogger, silentLogger } from '../../../src/telemetry/logger';
import { traceFields } from '../../../src/telemetry/log-trace-fields';
import { recordSpans, type RecordingTelemetry } from './telemetry-fixtures';

/** A destination keeping every chunk pino writes. */
function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== ''),
  };
}

const parsed = (line: string) => JSON.parse(line) as Record<string, unknown>;

describe('createLogger', () => {
  it('writes one JSON line per event with the level name, an ISO time and the service', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    logger.info({ messageId: 'm-1' }, 'first');
    logger.child({ component: 'gateway' }).warn('second');
    logger.debug('below the level');
    const lines = out.lines();
    expect(lines).toHaveLength(2);
    expect(parsed(lines[0]!)).toMatchObject({
      level: 'info',
      service: 'intelroute',
      messageId: 'm-1',
      msg: 'first',
    });
    expect(parsed(lines[1]!)).toMatchObject({ level: 'warn', component: 'gateway', msg: 'second' });
    expect(String(parsed(lines[0]!).time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('never writes payloads or secrets, at the top level or one level down', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    logger.info(
      {
        payload: 'P-1',
        token: 'T-1',
        record: { payload: 'P-2', password: 'S-1', authorization: 'A-1' },
      },
      'x',
    );
    const [line] = out.lines();
    for (const secret of ['P-1', 'T-1', 'P-2', 'S-1', 'A-1']) expect(line).not.toContain(secret);
    expect(parsed(line!)).toMatchObject({
      payload: '[redacted]',
      record: { payload: '[redacted]' },
    });
  });

  it('drops everything in the silent logger', () => {
    const logger = silentLogger();
    expect(logger.level).toBe('silent');
    expect(logger.isLevelEnabled('fatal')).toBe(false);
  });
});

describe('trace ids in log lines', () => {
  let recording: RecordingTelemetry;
  beforeAll(async () => {
    recording = await recordSpans();
  });
  afterAll(() => recording.telemetry.shutdown());

  it('adds the active span’s trace and span ids to every line logged inside it, and only there', async () => {
    const out = capture();
    const logger = createLogger('info', out.stream).child({ component: 'gateway' });
    const receive = gatewayReceiveSpan({ method: 'Publish' });
    logger.info('before');
    await receive.run(async () => {
      await new Promise((resolve) => setImmediate(resolve)); // survives an async hop
      logger.info('inside');
    });
    logger.info('after');
    const [before, inside, after] = out.lines().map(parsed);
    expect(before!.traceId).toBeUndefined();
    expect(inside).toMatchObject({
      traceId: receive.traceIds.traceId,
      spanId: receive.traceIds.spanId,
    });
    expect(after!.traceId).toBeUndefined();
  });

  it('lets a traceId passed in the call win, without writing the key twice', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    const receive = gatewayReceiveSpan({ method: 'Publish' });
    receive.run(() => logger.info({ traceId: 'f'.repeat(32) }, 'explicit'));
    const [line] = out.lines();
    expect(line!.match(/"traceId"/g)).toHaveLength(1);
    expect(parsed(line!).traceId).toBe('f'.repeat(32));
  });

  it('gives the fields of a scope for calls made where no span is active', () => {
    const receive = gatewayReceiveSpan({ method: 'Publish' });
    expect(traceFields(receive)).toEqual({
      traceId: receive.traceIds.traceId,
      spanId: receive.traceIds.spanId,
    });
  });
});
