import { InvalidArgumentError, type Command } from 'commander';
import { certFolderPaths, clientFileName, clientFilePaths } from '../../identity/certs/cert-folder';
import {
  createGatewayClient,
  PublishRefusedError,
  readEnvelopeFile,
  readEnvelopeLines,
  type EnvelopeInput,
  type GatewayClient,
  type GatewayClientOptions,
  type PublishAck,
} from '../../client';
import { IntelrouteError } from '../../core/errors';
import { parseIdentityUrn } from '../../identity';
import { action } from '../cli-context';

/** Where `send` reads and writes; the process's own unless a test passes others. */
export interface SendCommandIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
}

interface SendOptions {
  readonly stream?: boolean;
  readonly address?: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly certsDir?: string;
  readonly id?: string;
  readonly insecure?: boolean;
  readonly deadlineMs?: number;
  readonly maxAttempts?: number;
  readonly maxInFlight?: number;
}

/** Exit codes: every message acked; some refused by the gateway; usage or connection trouble. */
const EXIT_REFUSED = 2;
const EXIT_FAILED = 1;

/** The input and output formats, shown by `intelroute send --help`. */
const FORMAT_HELP = `
Each file holds one Envelope in the proto3 JSON mapping (lowerCamelCase or proto field names,
enums by name, createdAt as RFC 3339). The payload is either "payload" (base64 of the UTF-8
JSON bytes, the standard mapping) or "payloadJson" (the JSON value itself). A missing
messageId gets a new UUID v4, a missing createdAt the current time. Example:
  {"messageType": "seizure-report", "schemaVersion": 1,
   "origin": {"kind": "ORIGIN_KIND_NCB", "country": "BE"},
   "destinations": [{"country": "GB"}],
   "handling": {"code": "HANDLING_CODE_H0", "retentionDays": 1825},
   "evaluation": {"sourceReliability": "SOURCE_RELIABILITY_A",
                  "informationAccuracy": "INFORMATION_ACCURACY_1"},
   "payloadJson": {"seizureDate": "2025-03-04", "...": "..."}}

Output, one JSON line per message:
  {"messageId":…,"status":"acked","records":[{"topic","partition","offset"}],"duplicate":false,…}
  {"messageId":…,"status":"refused","code":"INVALID_ARGUMENT","reason":"SCHEMA_VIOLATION",
   "message":…,"fields":[{"field","description","reason"}],…}
"failed" instead of "refused": not acknowledged after retries (resend later, same messageId).
Exit status: 0 all acked, 2 some refused, 1 usage or connection errors (or some failed).`;

/**
 * `intelroute send <file.json>...`: publishes envelopes written in the proto3 JSON mapping (see
 * src/client/envelope-json.ts; `payloadJson` may replace the base64 `payload`), one Publish
 * each, or all over one PublishStream with `--stream`; `-` reads JSON Lines from stdin. Prints
 * one JSON line per message on stdout; exits 0 when all were acked, 2 when the gateway refused
 * any, 1 on usage or connection errors (messages not acknowledged after retries included).
 */
export function registerSendCommands(program: Command, io: SendCommandIo = processIo()): void {
  program
    .command('send')
    .description('publish envelopes (proto3 JSON) to the gateway and print each result as JSON')
    .argument('<files...>', 'envelope files (JSON), or - for JSON Lines on stdin')
    .addHelpText('after', FORMAT_HELP)
    .option('--stream', 'send everything over one PublishStream')
    .option('--address <host:port>', 'default $INTELROUTE_GATEWAY_ADDRESS or localhost:50051')
    .option('--ca <file>', 'CA certificate (default $INTELROUTE_CLIENT_CA)')
    .option('--cert <file>', 'client certificate (default $INTELROUTE_CLIENT_CERT)')
    .option('--key <file>', 'client private key (default $INTELROUTE_CLIENT_KEY)')
    .option('--certs-dir <dir>', 'a folder `intelroute certs` made: its ca.crt (+ --id)')
    .option('--id <urn>', 'with --certs-dir: the identity whose clients/<name>.crt|.key to use')
    .option('--insecure', 'plaintext, for a gateway in --insecure-dev mode')
    .option('--deadline-ms <ms>', 'per Publish attempt (default 30000)', positiveInteger)
    .option(
      '--max-attempts <n>',
      'sends of a message before giving up on a retriable failure (default 4)',
      positiveInteger,
    )
    .option('--max-in-flight <n>', 'with --stream: unacked at most (default 32)', positiveInteger)
    .action(
      action(async (files: string[], options: SendOptions) => {
        const inputs = await loadInputs(files, io.stdin);
        const client = createGatewayClient(clientOptions(options, io.env));
        const reporter = createReporter(io);
        try {
          if (options.stream) await sendOverStream(client, inputs, reporter, options.maxInFlight);
          else await sendOneByOne(client, inputs, reporter, options.deadlineMs);
        } finally {
          client.close();
        }
        if (reporter.tally.failed > 0) process.exitCode = EXIT_FAILED;
        else if (reporter.tally.refused > 0) process.exitCode = EXIT_REFUSED;
      }),
    );
}

function processIo(): SendCommandIo {
  return { stdin: process.stdin, stdout: process.stdout, env: process.env };
}

/** Prints each outcome as it comes and counts them. */
interface Reporter {
  readonly tally: { acked: number; refused: number; failed: number };
  /** Prints the outcome of one message; errors other than refusals propagate. */
  report(outcome: Promise<PublishAck>, input: EnvelopeInput): Promise<void>;
}

function createReporter(io: SendCommandIo): Reporter {
  const tally = { acked: 0, refused: 0, failed: 0 };
  const print = (line: Record<string, unknown>): void =>
    void io.stdout.write(`${JSON.stringify(line)}\n`);
  return {
    tally,
    async report(outcome, { envelope, source }) {
      try {
        const ack = await outcome;
        tally.acked += 1;
        print(ackLine(ack, source));
      } catch (error) {
        if (!(error instanceof PublishRefusedError)) throw error;
        tally[error.retriable ? 'failed' : 'refused'] += 1;
        print(refusalLine(error, envelope.messageId, source));
      }
    },
  };
}

async function sendOneByOne(
  client: GatewayClient,
  inputs: AsyncIterable<EnvelopeInput>,
  reporter: Reporter,
  deadlineMs: number | undefined,
): Promise<void> {
  const options = deadlineMs === undefined ? {} : { deadlineMs };
  for await (const input of inputs) {
    await reporter.report(client.publish(input.envelope, options), input);
  }
}

async function sendOverStream(
  client: GatewayClient,
  inputs: AsyncIterable<EnvelopeInput>,
  reporter: Reporter,
  maxInFlight: number | undefined,
): Promise<void> {
  const stream = client.openPublishStream(maxInFlight === undefined ? {} : { maxInFlight });
  const reports = new Set<Promise<void>>();
  let unexpected: { error: unknown } | undefined;
  try {
    for await (const input of inputs) {
      await stream.ready();
      const reported: Promise<void> = reporter
        .report(stream.send(input.envelope), input)
        .catch((error: unknown) => void (unexpected ??= { error }))
        .finally(() => reports.delete(reported));
      reports.add(reported);
    }
  } finally {
    // Even when reading the input failed: what was sent still gets its result printed.
    await stream.end();
    await Promise.all(reports);
  }
  if (unexpected !== undefined) throw unexpected.error;
}

function ackLine(ack: PublishAck, source: string): Record<string, unknown> {
  return {
    messageId: ack.messageId,
    status: 'acked',
    records: ack.records.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
    duplicate: ack.duplicate,
    ...(ack.routesNotTaken.length > 0 ? { routesNotTaken: ack.routesNotTaken } : {}),
    traceId: ack.traceId,
    source,
  };
}

/** `refused`: the gateway said no (fix the message); `failed`: not acknowledged, retry later. */
function refusalLine(
  error: PublishRefusedError,
  messageId: string,
  source: string,
): Record<string, unknown> {
  const { refusal } = error;
  return {
    messageId,
    status: error.retriable ? 'failed' : 'refused',
    code: refusal.codeName,
    reason: refusal.reason,
    message: refusal.message,
    fields: refusal.fieldViolations,
    source,
  };
}

/**
 * Files are all read and parsed before anything is sent (a bad file sends nothing); stdin is
 * read as it comes, so a producer can pipe into `send - --stream`.
 */
async function loadInputs(
  files: readonly string[],
  stdin: NodeJS.ReadableStream,
): Promise<AsyncIterable<EnvelopeInput>> {
  if (files.filter((file) => file === '-').length > 1) throw usage('- (stdin) may be given once');
  const parsed: Array<EnvelopeInput | 'stdin'> = [];
  for (const file of files) {
    parsed.push(file === '-' ? 'stdin' : await readEnvelopeFile(file));
  }
  return (async function* () {
    for (const input of parsed) {
      if (input === 'stdin') yield* readEnvelopeLines(stdin);
      else yield input;
    }
  })();
}

/**
 * Client options from the flags, then `--certs-dir`/`--id`, then the environment.
 * @throws IntelrouteError CLIENT_OPTIONS_INVALID naming the missing flags
 */
function clientOptions(options: SendOptions, env: NodeJS.ProcessEnv): GatewayClientOptions {
  const address = options.address ?? env.INTELROUTE_GATEWAY_ADDRESS ?? 'localhost:50051';
  const base = {
    address,
    ...(options.deadlineMs === undefined ? {} : { defaultDeadlineMs: options.deadlineMs }),
    ...(options.maxAttempts === undefined ? {} : attemptsOptions(options.maxAttempts)),
  };
  const material = [options.ca, options.cert, options.key, options.certsDir, options.id];
  if (options.insecure) {
    if (material.some((value) => value !== undefined)) {
      throw usage('--insecure takes no --ca, --cert, --key, --certs-dir or --id');
    }
    return { ...base, tls: { insecure: true } };
  }
  const folder = certsDirFiles(options);
  const tls = {
    caFile: options.ca ?? folder.ca ?? env.INTELROUTE_CLIENT_CA,
    certFile: options.cert ?? folder.cert ?? env.INTELROUTE_CLIENT_CERT,
    keyFile: options.key ?? folder.key ?? env.INTELROUTE_CLIENT_KEY,
  };
  const missing = [
    tls.caFile === undefined ? '--ca' : '',
    tls.certFile === undefined ? '--cert' : '',
    tls.keyFile === undefined ? '--key' : '',
  ].filter((flag) => flag !== '');
  if (missing.length > 0) {
    throw usage(`${missing.join(', ')} needed (or --certs-dir with --id, or --insecure)`);
  }
  return { ...base, tls };
}

/** The files `intelroute certs init|issue --dir D [--id URN]` wrote, by src/identity/certs' naming. */
function certsDirFiles(options: SendOptions): { ca?: string; cert?: string; key?: string } {
  if (options.certsDir === undefined) {
    if (options.id !== undefined) throw usage('--id needs --certs-dir');
    return {};
  }
  const paths = certFolderPaths(options.certsDir);
  if (options.id === undefined) return { ca: paths.caCertificate };
  const client = clientFilePaths(paths, clientFileName(parseIdentityUrn(options.id).urn));
  return { ca: paths.caCertificate, cert: client.certificate, key: client.privateKey };
}

/** `--max-attempts` bounds retries of a publish and, with --stream, reopenings of the stream. */
function attemptsOptions(maxAttempts: number): Pick<GatewayClientOptions, 'retry' | 'reconnect'> {
  return { retry: { maxAttempts }, reconnect: { maxAttempts } };
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return parsed;
}

function usage(message: string): IntelrouteError {
  return new IntelrouteError('CLIENT_OPTIONS_INVALID', message);
}
