import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { registerSendCommands } from '../../../src/cli/commands/send-command';
import { ackFor, startFakeGateway, type FakeBehaviour, type FakeGateway } from './fake-gateway';

/** `intelroute send` against a plaintext fake gateway on 127.0.0.1:0, in-process. */

const FIXTURES = path.resolve(__dirname, '../../fixtures/envelopes-json');
const VENDOR_REPORT = path.join(FIXTURES, 'online-vendor-report-fr-to-de.json');
const SEIZURE_REPORT = path.join(FIXTURES, 'seizure-report-be.json');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let gateway: FakeGateway | undefined;
let workDir: string;
let stderr: jest.SpyInstance;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'intelroute-send-'));
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(async () => {
  stderr.mockRestore();
  process.exitCode = undefined;
  await gateway?.stop();
  gateway = undefined;
  await rm(workDir, { recursive: true, force: true });
});

interface Run {
  readonly lines: Array<Record<string, unknown>>;
  readonly exitCode: number;
  readonly stderr: string;
}

/** Runs `intelroute send <args>` on a fresh program; stdin is `stdinText`. */
async function send(args: string[], stdinText = ''): Promise<Run> {
  const out: string[] = [];
  const program = new Command().exitOverride();
  registerSendCommands(program, {
    stdin: Readable.from([stdinText]),
    stdout: { write: (text: string) => out.push(text) },
    env: {},
  });
  process.exitCode = undefined;
  await program.parseAsync(['send', ...args], { from: 'user' });
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  const lines = out
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, exitCode, stderr: stderr.mock.calls.map((call) => String(call[0])).join('') };
}

async function plaintext(behaviour: FakeBehaviour = {}): Promise<string[]> {
  gateway = await startFakeGateway(behaviour);
  return ['--insecure', '--address', gateway.address];
}

describe('intelroute send', () => {
  it('publishes a file with a generated UUID v4 id and now as createdAt, and prints the ack', async () => {
    const before = Date.now();
    const run = await send([VENDOR_REPORT, ...(await plaintext())]);
    expect(run.exitCode).toBe(0);
    const received = gateway?.publishCalls[0]?.envelope;
    expect(received?.messageId).toMatch(UUID_V4);
    expect(received?.createdAt?.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(JSON.parse(received?.payload.toString('utf8') ?? '')).toMatchObject({
      vendorKind: 'social-media-account',
    });
    expect(run.lines).toEqual([
      {
        messageId: received?.messageId,
        status: 'acked',
        records: [{ topic: 'intel.v1.country.DE', partition: 0, offset: '0' }],
        duplicate: false,
        traceId: ackFor('').traceId,
        source: VENDOR_REPORT,
      },
    ]);
  });

  it('--stream sends every file over one PublishStream', async () => {
    const run = await send([VENDOR_REPORT, SEIZURE_REPORT, '--stream', ...(await plaintext())]);
    expect(run.exitCode).toBe(0);
    expect(gateway?.publishCalls).toHaveLength(0);
    expect(gateway?.streams).toHaveLength(1);
    const sent = gateway?.streams[0]?.received.map((envelope) => envelope.messageType);
    expect(sent).toEqual(['online-vendor-report', 'seizure-report']);
    expect(run.lines.map((line) => [line.status, line.source])).toEqual([
      ['acked', VENDOR_REPORT],
      ['acked', SEIZURE_REPORT],
    ]);
  });

  it('--stream - reads JSON Lines from stdin', async () => {
    const lines = ['{"messageType":"seizure-report"}', '', '{"messageType":"training-event"}'];
    const run = await send(['-', '--stream', ...(await plaintext())], lines.join('\n'));
    expect(run.exitCode).toBe(0);
    expect(gateway?.streams[0]?.received.map((envelope) => envelope.messageType)).toEqual([
      'seizure-report',
      'training-event',
    ]);
    expect(run.lines.map((line) => line.source)).toEqual(['stdin:1', 'stdin:3']);
  });

  it('prints a refusal with its code, reason and fields, and exits 2', async () => {
    const refusal = {
      grpcCode: 3,
      reason: 'SCHEMA_VIOLATION',
      message: 'payload does not match online-vendor-report v1',
      fieldViolations: [{ field: 'payload/phones/0', description: 'bad phone', reason: 'pattern' }],
    };
    const args = await plaintext({
      publish: (envelope) =>
        envelope.messageType === 'seizure-report'
          ? { ack: ackFor(envelope.messageId) }
          : { refuse: refusal },
    });
    const run = await send([VENDOR_REPORT, SEIZURE_REPORT, ...args]);
    expect(run.exitCode).toBe(2);
    expect(run.lines[0]).toEqual({
      messageId: gateway?.publishCalls[0]?.envelope.messageId,
      status: 'refused',
      code: 'INVALID_ARGUMENT',
      reason: 'SCHEMA_VIOLATION',
      message: refusal.message,
      fields: refusal.fieldViolations,
      source: VENDOR_REPORT,
    });
    expect(run.lines[1]).toMatchObject({ status: 'acked', source: SEIZURE_REPORT });
  });

  it('reports a message still unavailable after its attempts as failed, and exits 1', async () => {
    const args = await plaintext({
      publish: () => ({ refuse: { grpcCode: 14, reason: 'KAFKA_UNAVAILABLE', message: 'down' } }),
    });
    const run = await send([SEIZURE_REPORT, '--max-attempts', '2', ...args]);
    expect(run.exitCode).toBe(1);
    expect(run.lines).toEqual([expect.objectContaining({ status: 'failed', code: 'UNAVAILABLE' })]);
    expect(gateway?.publishCalls).toHaveLength(2);
  });

  it('sends nothing and exits 1 when any file is not a valid envelope', async () => {
    const broken = path.join(workDir, 'broken.json');
    await writeFile(broken, '{"messageType": "seizure-report",');
    const run = await send([VENDOR_REPORT, broken, ...(await plaintext())]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${broken}: not JSON`);
    expect(run.stderr).toContain('[ENVELOPE_INPUT_INVALID]');
    expect(gateway?.publishCalls).toHaveLength(0);
    expect(run.lines).toEqual([]);
  });

  it('exits 1 naming the missing TLS flags when neither certificates nor --insecure are given', async () => {
    const run = await send([VENDOR_REPORT, '--address', '127.0.0.1:1']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('--ca, --cert, --key needed');
  });
});
